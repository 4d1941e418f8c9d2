import { createRequire } from 'node:module';
import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config';

/**
 * OpenTelemetry to Azure Monitor through `applicationinsights` v3 (a wrapper of the Azure Monitor
 * OpenTelemetry distro). Off — and nothing of the SDK loaded — when no connection string is set, which is
 * the case offline, in tests and under `npm start` unless you add one.
 */

type Distro = Pick<
  typeof import('applicationinsights'),
  'useAzureMonitor' | 'flushAzureMonitor' | 'shutdownAzureMonitor'
>;

export type TelemetryAuth = 'off' | 'connection-string' | 'entra-id';
export interface TelemetryStatus {
  enabled: boolean;
  auth: TelemetryAuth;
}

export interface TelemetryDeps {
  /** Loads the distro; tests pass a fake. The default requires it only now, synchronously. */
  loadDistro?: () => Distro;
  /** Builds the managed-identity credential; tests pass a fake. */
  createCredential?: (clientId: string | undefined) => TokenCredential;
  /**
   * `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (`ClientId=<id>;Authorization=AAD`). The host reads it,
   * the distro's exporter does not, so it is turned into a credential here. Not in config.ts (yet).
   */
  authenticationString?: string;
}

const state: { status: TelemetryStatus; distro?: Distro } = { status: { enabled: false, auth: 'off' } };

const requireHere = () => createRequire(__filename);
const defaultLoadDistro = (): Distro => requireHere()('applicationinsights') as Distro;
const defaultCreateCredential = (clientId: string | undefined): TokenCredential => {
  const { ManagedIdentityCredential } = requireHere()('@azure/identity') as typeof import('@azure/identity');
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
};

/** Parses `Key=Value;Key=Value` (keys case-insensitive). */
export function parseAuthenticationString(value: string | undefined): { aad: boolean; clientId?: string } {
  const pairs = new Map<string, string>();
  for (const part of (value ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const clientId = pairs.get('clientid') || undefined;
  return { aad: pairs.get('authorization')?.toUpperCase() === 'AAD', ...(clientId ? { clientId } : {}) };
}

/**
 * Starts exporting traces, metrics and logs when `APPLICATIONINSIGHTS_CONNECTION_STRING` is set; a no-op
 * otherwise. Call it once, first thing in src/index.ts, before the app's other imports. Idempotent.
 */
export function initTelemetry(
  cfg: Pick<Config, 'APPLICATIONINSIGHTS_CONNECTION_STRING' | 'AZURE_CLIENT_ID'>,
  deps: TelemetryDeps = {},
): TelemetryStatus {
  if (state.status.enabled) return state.status;
  const connectionString = cfg.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) return state.status;

  const auth = parseAuthenticationString(
    deps.authenticationString ?? process.env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
  );
  // With local auth disabled on the resource (infra does that), ingestion needs an Entra ID token.
  const credential = auth.aad
    ? (deps.createCredential ?? defaultCreateCredential)(auth.clientId ?? cfg.AZURE_CLIENT_ID)
    : undefined;

  const distro = (deps.loadDistro ?? defaultLoadDistro)();
  distro.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) },
    // The Functions host already reports requests; the worker adds outbound calls (OpenAI, webhooks).
    instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
  });
  state.distro = distro;
  state.status = { enabled: true, auth: credential ? 'entra-id' : 'connection-string' };
  return state.status;
}

export function telemetryStatus(): TelemetryStatus {
  return state.status;
}

/** Sends what is queued (e.g. before a short-lived process exits). */
export async function flushTelemetry(): Promise<void> {
  await state.distro?.flushAzureMonitor();
}

/** Flushes and stops exporting; telemetry is off afterwards (tests, graceful shutdown). */
export async function shutdownTelemetry(): Promise<void> {
  const distro = state.distro;
  state.distro = undefined;
  state.status = { enabled: false, auth: 'off' };
  await distro?.shutdownAzureMonitor();
}
