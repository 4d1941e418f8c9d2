import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import type { CaseRecordsLocation } from '../config';
import { createTableStore } from './table-store';
import type { CaseRecordStore } from './types';

/**
 * A Table Storage client from the Functions host's own storage settings: in Azure the table endpoint
 * with the app's user-assigned managed identity (AzureWebJobsStorage__tableServiceUri, __credential,
 * __clientId, as infra/ sets them); under `npm start` the Azurite connection string.
 */
export function openTableStore(loc: Extract<CaseRecordsLocation, { kind: 'table' }>): CaseRecordStore {
  if ('connectionString' in loc) {
    // Plain http only to a local emulator (Azurite); anything else must be https.
    const endpoint = /TableEndpoint=(http:\/\/[^;]+)/i.exec(loc.connectionString)?.[1];
    const local =
      endpoint !== undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
    const client = TableClient.fromConnectionString(loc.connectionString, loc.table, {
      ...(local ? { allowInsecureConnection: true } : {}),
    });
    return createTableStore(client, `table ${loc.table} at ${client.url.replace(/\?.*$/, '')}`);
  }
  const credential = loc.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: loc.managedIdentityClientId })
    : new DefaultAzureCredential();
  const client = new TableClient(loc.endpoint, loc.table, credential);
  return createTableStore(client, `table ${loc.table} at ${loc.endpoint}`);
}
