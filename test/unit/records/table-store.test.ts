import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRecords, closeCaseRecords } from '../../../src/records';
import { loadConfig } from '../../../src/config';
import { createTableStore, tableFilter } from '../../../src/records/table-store';
import { APP_DIR } from '../../support/app';
import { storeContract } from './contract';

/**
 * The Table Storage store against Azurite's table service (the devDependency `npm start` uses), in
 * memory on a free port: the same contract as SQLite, through the real @azure/data-tables client.
 */
// Azurite's well-known development account (public, documented; not a secret).
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
let azurite: ChildProcess | undefined;
let connection = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  const bin = path.join(APP_DIR, 'node_modules', 'azurite', 'dist', 'src', 'table', 'main.js');
  azurite = spawn(
    process.execPath,
    [bin, '--tablePort', String(port), '--inMemoryPersistence', '--silent', '--disableTelemetry'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Azurite did not start in 20 s')), 20_000);
    azurite!.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('successfully started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    azurite!.once('exit', (code) => reject(new Error(`Azurite exited with ${code}`)));
  });
  connection = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
}, 30_000);

afterAll(() => {
  azurite?.kill();
});

let n = 0;
storeContract('Azure Table Storage (Azurite)', async () => {
  const client = TableClient.fromConnectionString(connection, `contract${++n}`, {
    allowInsecureConnection: true,
  });
  return createTableStore(client, 'azurite');
});

describe('choosing Table Storage by configuration', () => {
  it('uses the AzureWebJobsStorage connection string when CASE_RECORDS_STORE=table', async () => {
    const store = caseRecords(
      loadConfig({
        CASE_RECORDS_STORE: 'table',
        AzureWebJobsStorage: connection,
        CASE_RECORDS_TABLE: 'chosen',
      }),
    );
    expect(store.location).toMatch(/^table chosen at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect((await store.listCases({ sort: 'opened', limit: 5 })).cases).toEqual([]);
    await closeCaseRecords();
  });

  it('uses the table endpoint with the managed identity the infra sets', () => {
    const store = caseRecords(
      loadConfig({
        CASE_RECORDS_STORE: 'table',
        AzureWebJobsStorage__tableServiceUri: 'https://st.table.core.windows.net',
        AzureWebJobsStorage__credential: 'managedidentity',
        AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
      }),
    );
    expect(store.location).toBe('table caserecords at https://st.table.core.windows.net');
  });

  it('escapes filter values (no OData injection through a search or a rule)', () => {
    const f = tableFilter({
      sort: 'opened',
      limit: 5,
      search: "x' or PartitionKey ne 'y",
      rule: "r' or 1 eq 1",
    });
    expect(f).toContain("customerLc ge 'x'' or partitionkey ne ''y'");
    expect(f).toContain("rule eq 'r'' or 1 eq 1'");
  });
});
