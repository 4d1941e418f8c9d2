import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { configSettingKeys, readJson } from './support';

interface HostJson {
  version: string;
  functionTimeout?: string;
  extensionBundle: { id: string; version: string };
  logging: {
    logLevel: Record<string, string>;
    applicationInsights?: { samplingSettings?: { isEnabled?: boolean } };
  };
  extensions: {
    http?: { routePrefix?: string };
    durableTask: {
      hubName: string;
      storageProvider: { type: string; connectionStringName: string };
      tracing?: { distributedTracingEnabled?: boolean; version?: string };
    };
  };
}

const host = readJson<HostJson>('host.json');
const local = readJson<{ IsEncrypted: boolean; Values: Record<string, string> }>('local.settings.json');

/** Settings the Functions host itself reads (not the app's config.ts). */
const HOST_SETTINGS = new Set(['AzureWebJobsStorage', 'FUNCTIONS_WORKER_RUNTIME']);

/** App settings host.json points at: %NAME% references and connectionStringName values. */
function settingsHostJsonNeeds(): string[] {
  const text = JSON.stringify(host);
  const percent = [...text.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1]!);
  const named = [...text.matchAll(/"connectionStringName":"([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set([...percent, ...named])];
}

describe('host.json', () => {
  it('uses the standard extension bundle from 4.32.0: the DTS provider (4.30.0) and the MCP resource trigger the MCP App needs (4.32.0)', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({
      id: 'Microsoft.Azure.Functions.ExtensionBundle',
      version: '[4.32.0, 5.0.0)',
    });
  });

  it('needs no extensions.mcp section: the MCP webhook defaults to the mcp_extension system key', () => {
    // Azure/azure-functions-mcp-extension Configuration/McpOptions.cs: every option has a default; the
    // webhook's authorization level defaults to System. Anonymous here would open the tools to anyone.
    const mcp = (host.extensions as Record<string, { system?: { webhookAuthorizationLevel?: string } }>)[
      'mcp'
    ];
    expect(mcp?.system?.webhookAuthorizationLevel ?? 'System').toBe('System');
  });

  it('stores durable state in the Durable Task Scheduler, hub taken from TASKHUB_NAME', () => {
    const dt = host.extensions.durableTask;
    expect(dt.storageProvider).toEqual({
      type: 'azureManaged',
      connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
    });
    expect(dt.hubName).toBe('%TASKHUB_NAME%');
  });

  it('turns on distributed tracing V2 (not "None", which switches it off)', () => {
    expect(host.extensions.durableTask.tracing).toEqual({ distributedTracingEnabled: true, version: 'V2' });
  });

  it('serves HTTP triggers under /api, logs the DTS backend and samples Application Insights', () => {
    expect(host.extensions.http?.routePrefix).toBe('api');
    expect(host.logging.logLevel['DurableTask.AzureManagedBackend']).toBeDefined();
    expect(host.logging.applicationInsights?.samplingSettings?.isEnabled).toBe(true);
  });

  it('keeps the function timeout within what Flex Consumption allows and long enough for an agent round', () => {
    const [h, m, s] = (host.functionTimeout ?? '').split(':').map(Number);
    const minutes = h! * 60 + m! + s! / 60;
    expect(minutes).toBeGreaterThanOrEqual(10);
    expect(minutes).toBeLessThanOrEqual(60);
  });
});

describe('local.settings.json', () => {
  it('has every setting host.json and the host need, pointed at the emulators', () => {
    for (const key of [...settingsHostJsonNeeds(), ...HOST_SETTINGS])
      expect(local.Values, key).toHaveProperty(key);
    expect(local.IsEncrypted).toBe(false);
    expect(local.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(local.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(local.Values.DURABLE_TASK_SCHEDULER_CONNECTION_STRING).toBe(
      'Endpoint=http://localhost:8080;Authentication=None',
    );
    // The emulator only knows the hub "default" unless started with DTS_TASK_HUB_NAMES.
    expect(local.Values.TASKHUB_NAME).toBe('default');
  });

  it('names only settings src/config.ts reads (a typo would be silently ignored)', () => {
    const known = new Set(configSettingKeys());
    const unknown = Object.keys(local.Values).filter((k) => !HOST_SETTINGS.has(k) && !known.has(k));
    expect(unknown).toEqual([]);
  });

  it('passes the app configuration validation and turns the simulator on for the local stack', () => {
    const cfg = loadConfig(local.Values);
    expect(cfg.SIMULATOR_ENABLED).toBe(true);
    expect(cfg.TASKHUB_NAME).toBe('default');
    expect(cfg.DURABLE_TASK_SCHEDULER_CONNECTION_STRING).toContain('localhost:8080');
  });

  it('holds no secrets, so it can be committed', () => {
    const secretKeys = Object.keys(local.Values).filter((k) => /KEY|SECRET|PASSWORD|TOKEN/i.test(k));
    expect(secretKeys).toEqual([]);
    for (const [k, v] of Object.entries(local.Values))
      expect(v, k).not.toMatch(
        /AccountKey=|SharedAccessKey=|sig=|InstrumentationKey=|Authentication=(?!None)/i,
      );
  });
});
