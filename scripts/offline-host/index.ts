import path from 'node:path';
import { loadApp } from './app-loader/index.js';
import type { HostLog } from './app-loader/invoke.js';
import { createRealClock, createVirtualClock } from './clock.js';
import { createEngine } from './engine/index.js';
import { retentionFromSettings } from './engine/retention.js';
import { applyEnvironment, readAppSettings, resolveSettingExpression } from './server/app-settings.js';
import { clientBindingData, type ClientBindingOptions } from './server/client-binding.js';
import { createDurableApi } from './server/durable-api.js';
import { createHttpRouteTable } from './server/http-routes.js';
import { createFrontDoor, MAX_REQUEST_BODY_BYTES } from './server/http-server.js';
import { checkFunctions, type FunctionInError } from './server/function-check.js';
import { createHostKeys, generateKey } from './server/keys.js';
import { startRpcChannel } from './server/rpc-channel.js';
import { createTimerScheduler } from './server/timer-triggers.js';
import { createMcpEndpoint, MCP_WEBHOOK_PATH } from './mcp/index.js';
import type { OfflineEngine } from './engine/index.js';
import type { AppInvoker, FunctionInfo, InstanceStatus, RuntimeStatus } from './types.js';

export type * from './types.js';

export interface OfflineHostOptions {
  /** The Functions app directory (its package.json `main` is the entry point). */
  appDir: string;
  /** Default 7071; 0 picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** SQLite data directory; default `<appDir>/.data/offline-host`. Ignored when `inMemory`. */
  dataDir?: string;
  inMemory?: boolean;
  clock?: 'real' | 'virtual';
  /** Default: env LOCAL_FUNCTION_KEY, else generated. */
  functionKey?: string;
  /** Default: env LOCAL_MASTER_KEY, else generated. */
  masterKey?: string;
  /** The MCP extension's system key (`mcp_extension`). Default: env LOCAL_MCP_EXTENSION_KEY, else generated. */
  mcpExtensionKey?: string;
  /** Default: true with the real clock, false with the virtual one (then use fireTimer / advance). */
  enableTimerTriggers?: boolean;
  activityConcurrency?: number;
  /** Settings applied over local.settings.json and the environment. */
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** The app's own logs (context.log); default: to the console. */
  appLog?: HostLog;
}

export interface OfflineHost {
  /** e.g. `http://127.0.0.1:7071` */
  readonly baseUrl: string;
  readonly functionKey: string;
  readonly masterKey: string;
  /** The Durable extension's system key (`code=` on `/runtime/webhooks/durabletask` URLs). */
  readonly systemKey: string;
  /** The durable client channel the app's `df.getClient` uses: its own loopback port, secret in the path. */
  readonly clientChannelUrl: string;
  /** The MCP extension's system key (`mcp_extension`) for `mcpUrl`, as x-functions-key or ?code=. */
  readonly mcpExtensionKey: string;
  /** `<baseUrl>/runtime/webhooks/mcp` (Streamable HTTP; legacy SSE at `/sse`); undefined with no MCP functions. */
  readonly mcpUrl: string | undefined;
  readonly engine: OfflineEngine;
  readonly invoker: AppInvoker;
  readonly functions: readonly FunctionInfo[];
  /** Functions the host reported in error at start and does not run (as `func start` does). */
  readonly functionErrors: readonly FunctionInError[];
  /** Full URL of an HTTP-triggered function's route template, e.g. `http://127.0.0.1:7071/api/cases/{caseId}`. */
  urlOf(functionName: string): string;
  /** Virtual clock: moves time forward, firing due durable timers (and timer triggers when enabled) in order. */
  advance(ms: number): Promise<void>;
  fireTimer(name: string): Promise<void>;
  waitForStatus(
    instanceId: string,
    until: RuntimeStatus[] | ((s: InstanceStatus) => boolean),
    timeoutMs?: number,
  ): Promise<InstanceStatus>;
  stop(): Promise<void>;
}

export async function startOfflineHost(opts: OfflineHostOptions): Promise<OfflineHost> {
  const appDir = path.resolve(opts.appDir);
  const log = opts.log ?? (() => undefined);
  const settings = readAppSettings(appDir);
  // Like `func start`: local.settings.json Values become environment variables before the app loads,
  // without overriding variables already set.
  const dataDir = path.resolve(opts.dataDir ?? path.join(appDir, '.data', 'offline-host'));
  // The app learns where this host keeps durable state (empty in memory), for state of its own (the
  // fraud app's case records): per host, so two hosts in one process never share it.
  const hostEnv = { OFFLINE_HOST_DATA_DIR: opts.inMemory ? '' : dataDir, ...opts.env };
  const restoreEnv = applyEnvironment(settings.values, hostEnv);
  // Shutdown order: timers, front door, engine (drains running work, which may still call the durable
  // client), appTerminate, the client channel, environment.
  // Each step is registered once its resource exists, so a failed start undoes exactly what it did.
  const order = ['timers', 'frontDoor', 'engine', 'appTerminate', 'rpcChannel'] as const;
  const steps: Partial<Record<(typeof order)[number], () => Promise<void>>> = {};
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      for (const name of order) {
        try {
          await steps[name]?.();
        } catch (err) {
          log(`[host] stopping ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      restoreEnv();
    })());

  try {
    const loaded = await loadApp(appDir, opts.appLog ? { log: opts.appLog } : {});
    // Functions in error (unsupported binding, unresolved %setting%) are reported and never run.
    const indexed = checkFunctions(loaded.functions);
    for (const e of indexed.errors) log(`[host] ${e.message}`);
    const invoker = indexed.errors.length === 0 ? loaded : { ...loaded, functions: indexed.runnable };
    const keys = createHostKeys({
      functionKey: opts.functionKey ?? process.env['LOCAL_FUNCTION_KEY'] ?? undefined,
      masterKey: opts.masterKey ?? process.env['LOCAL_MASTER_KEY'] ?? undefined,
    });
    const clockKind = opts.clock ?? 'real';
    const clock = clockKind === 'virtual' ? createVirtualClock() : createRealClock();
    const taskHubName = settings.hubName ? resolveSettingExpression(settings.hubName) : 'default';
    const engine = createEngine({
      invoker,
      clock,
      store: opts.inMemory ? 'memory' : { dataDir },
      activityConcurrency: opts.activityConcurrency,
      taskHubName,
      log,
      // The scheduler's retention policies, from DTS_RETENTION_* settings (engine/retention.ts).
      retention: retentionFromSettings(process.env),
    });

    // Known once the server listens (the port may be ephemeral); requests cannot arrive before that.
    const bound: { binding?: ClientBindingOptions } = {};
    const getBinding = (): ClientBindingOptions => {
      if (!bound.binding) throw new Error('The offline host is not listening yet.');
      return bound.binding;
    };
    const routes = createHttpRouteTable(invoker.functions, settings.routePrefix);
    const mcpExtensionKey = opts.mcpExtensionKey ?? process.env['LOCAL_MCP_EXTENSION_KEY'] ?? generateKey();
    const mcp = createMcpEndpoint({ appDir, invoker, keys, extensionKey: mcpExtensionKey, log });
    const timers = createTimerScheduler({ functions: invoker.functions, invoker, clock, log });
    const durableApi = createDurableApi({
      engine,
      binding: getBinding,
      orchestratorNames: () =>
        invoker.functions.filter((f) => f.trigger === 'orchestrationTrigger').map((f) => f.name),
    });
    const rpcChannel = await startRpcChannel({ durableApi, log, maxBodyBytes: MAX_REQUEST_BODY_BYTES });
    steps.rpcChannel = () => rpcChannel.close();
    const frontDoor = createFrontDoor({
      invoker,
      routes,
      keys,
      log,
      runTimer: (name) => timers.fire(name),
      mcp,
      durableApi,
    });
    const listenHost = opts.host ?? '127.0.0.1';
    const { port } = await frontDoor.listen(opts.port ?? 7071, listenHost);
    steps.frontDoor = () => {
      mcp.close();
      return frontDoor.close();
    };
    const baseUrl = `http://${listenHost}:${port}`;
    const binding: ClientBindingOptions = {
      origin: baseUrl,
      taskHubName,
      connectionName: settings.connectionName,
      systemKey: keys.systemKey,
      rpcBaseUrl: rpcChannel.baseUrl,
    };
    bound.binding = binding;
    invoker.setDurableClientBinding(clientBindingData(binding));

    await invoker.runAppHook('appStart');
    steps.appTerminate = () => invoker.runAppHook('appTerminate');
    await engine.start();
    steps.engine = () => engine.stop();
    const timersEnabled = opts.enableTimerTriggers ?? clockKind === 'real';
    steps.timers = () => timers.stop();
    if (timersEnabled) await timers.start();

    const host: OfflineHost = {
      baseUrl,
      functionKey: keys.functionKey,
      masterKey: keys.masterKey,
      systemKey: keys.systemKey,
      clientChannelUrl: rpcChannel.baseUrl,
      mcpExtensionKey,
      mcpUrl: mcp.registry.empty ? undefined : `${baseUrl}${MCP_WEBHOOK_PATH}`,
      engine,
      invoker,
      functions: invoker.functions,
      functionErrors: indexed.errors,
      urlOf(name) {
        const fn = invoker.functions.find((f) => f.name === name && f.trigger === 'httpTrigger');
        if (!fn) throw new Error(`No HTTP-triggered function named '${name}'.`);
        return `${baseUrl}${routes.pathOf(fn)}`;
      },
      async advance(ms) {
        if (clock.kind !== 'virtual')
          throw new Error('advance() needs the virtual clock: start the host with clock: "virtual".');
        await clock.advance(ms);
      },
      fireTimer: (name) => timers.fire(name),
      async waitForStatus(instanceId, until, timeoutMs = 10_000) {
        const done =
          typeof until === 'function' ? until : (s: InstanceStatus) => until.includes(s.runtimeStatus);
        const deadline = Date.now() + timeoutMs;
        let last: InstanceStatus | undefined;
        for (;;) {
          last = await engine.getStatus(instanceId, { showInput: true });
          if (last && done(last)) return last;
          if (Date.now() > deadline) {
            throw new Error(
              `Instance '${instanceId}' did not reach the expected status within ${timeoutMs} ms; last status: ${last ? `${last.runtimeStatus} ${JSON.stringify(last.output ?? null)}` : 'not found'}.`,
            );
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      stop: shutdown,
    };
    return host;
  } catch (err) {
    await shutdown();
    throw err;
  }
}
