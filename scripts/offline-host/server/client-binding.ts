import type { DurableClientBindingData } from '../types.js';

/** Where the Durable HTTP API lives on this server. */
export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

export interface ClientBindingOptions {
  origin: string;
  taskHubName: string;
  connectionName: string;
  systemKey: string;
  /** The durable client channel (rpc-channel.ts), with its trailing slash. */
  rpcBaseUrl: string;
}

/** The management URLs for one instance (or the `INSTANCEID` template), as the extension builds them. */
export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export function managementUrls(o: ClientBindingOptions, instanceId: string): ManagementUrls {
  const prefix = `${o.origin}${WEBHOOK_PATH}/instances/${instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)}`;
  const q = `taskHub=${encodeURIComponent(o.taskHubName)}&connection=${encodeURIComponent(o.connectionName)}&code=${o.systemKey}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${prefix}?${q}`,
    sendEventPostUri: `${prefix}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${prefix}/terminate?reason={text}&${q}`,
    rewindPostUri: `${prefix}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${prefix}?${q}`,
    restartPostUri: `${prefix}/restart?${q}`,
    suspendPostUri: `${prefix}/suspend?reason={text}&${q}`,
    resumePostUri: `${prefix}/resume?reason={text}&${q}`,
  };
}

/** The check-status payload (field order as the extension's anonymous object; no rewindPostUri). */
export function checkStatusPayload(
  o: ClientBindingOptions,
  instanceId: string,
): Omit<ManagementUrls, 'rewindPostUri'> {
  const { rewindPostUri: _omitted, ...payload } = managementUrls(o, instanceId);
  return payload;
}

export function clientBindingData(o: ClientBindingOptions): DurableClientBindingData {
  const base = `${o.origin}${WEBHOOK_PATH}`;
  const required = `code=${o.systemKey}`;
  const creation = `${base}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: o.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${creation}?${required}`,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${required}`,
    },
    managementUrls: { ...managementUrls(o, INSTANCE_ID_PLACEHOLDER) },
    baseUrl: base,
    requiredQueryStringParameters: required,
    // The trailing slash matters: the client resolves relative paths against it with `new URL()`.
    rpcBaseUrl: o.rpcBaseUrl,
    httpBaseUrl: base,
  };
}
