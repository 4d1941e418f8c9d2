/**
 * Loads a Functions app (built JavaScript) and invokes its functions like the Node worker does.
 * See reference/durable-protocol.md, "Capturing registrations".
 */
import { randomUUID } from 'node:crypto';
import Module from 'node:module';
import path from 'node:path';
import {
  FunctionError,
  type AppInvoker,
  type DurableClientBindingData,
  type EntityBatchRequest,
  type EntityBatchResult,
  type FunctionInfo,
  type HttpRequestData,
  type HttpResponseData,
  type OrchestratorRequest,
  type OrchestratorResponse,
} from '../types.js';
import {
  createCoreStandIn,
  type CoreStandIn,
  type RegisteredFunction,
  type RpcTypedData,
} from './core-stand-in.js';
import { resolveEntryFiles } from './entry-files.js';
import { fromRpcHttpResponse, httpTriggerMetadata, sendToStreamProxy, toRpcHttpRequest } from './http.js';
import { invokeRegistered, returnValueOf, runHooks, type HostLog } from './invoke.js';
import { describeFunction } from './function-info.js';
import {
  forgetAppModules,
  HTTP_PROXY,
  markRepeatedActions,
  parseOutOfProcData,
  provideCoreApi,
} from '../library-adapter.js';

export interface LoadAppOptions {
  /** Set in process.env before the app loads (the app reads its settings at load time). */
  env?: Record<string, string>;
  /** Library/user logs; default: user logs to the console, system logs dropped. */
  log?: HostLog;
}

/** An AppInvoker that also accepts a pre-serialized orchestrator request (the engine caches history JSON). */
export interface LoadedApp extends AppInvoker {
  invokeOrchestratorJson(functionName: string, requestJson: string): Promise<OrchestratorResponse>;
  /** True when the app enabled HTTP streaming (requests go through the library's proxy). */
  readonly httpStreaming: boolean;
}

export async function loadApp(appDir: string, opts: LoadAppOptions = {}): Promise<LoadedApp> {
  const dir = path.resolve(appDir);
  for (const [key, value] of Object.entries(opts.env ?? {})) process.env[key] = value;
  const log: HostLog = opts.log ?? defaultLog;

  const core = createCoreStandIn(log);
  forgetAppModules(dir);
  provideCoreApi(core.api);
  // Node's own require, rooted at the app: the app's dependencies resolve from its node_modules.
  const appRequire = Module.createRequire(path.join(dir, 'package.json'));
  for (const file of resolveEntryFiles(dir)) appRequire(file);

  // The worker asks for capabilities after loading the app; this also starts the streaming proxy.
  const capabilities = (await core.model().getCapabilities?.({})) ?? {};
  const proxyUri = capabilities[HTTP_PROXY.capability];

  const functions = [...core.functions.values()].map(describeFunction);
  let clientBinding: DurableClientBindingData | undefined;

  const lookup = (name: string, trigger?: string): RegisteredFunction => {
    const fn = core.functions.get(name) ?? findCaseInsensitive(core, name);
    const info = fn && describeFunction(fn);
    if (!fn || (trigger && info?.trigger !== trigger)) {
      throw new Error(`The app has no ${trigger ?? 'function'} named '${name}'.`);
    }
    return fn;
  };

  const triggerName = (fn: RegisteredFunction): string => {
    const entry = Object.entries(fn.metadata.bindings).find(([, b]) => String(b.type).endsWith('Trigger'));
    if (!entry) throw new Error(`Function '${fn.metadata.name}' has no trigger binding.`);
    return entry[0];
  };

  /** durableClient and other non-trigger inputs the host can supply. */
  const extraInputs = (fn: RegisteredFunction): Array<{ name: string; data: RpcTypedData | undefined }> =>
    Object.entries(fn.metadata.bindings)
      .filter(([, b]) => b.direction === 'in' && b.type === 'durableClient')
      .map(([name]) => {
        if (!clientBinding) {
          throw new Error(
            `Function '${fn.metadata.name}' needs a durable client, but no client binding was set.`,
          );
        }
        return { name, data: { string: JSON.stringify(clientBinding) } };
      });

  const invokeTrigger = async (fn: RegisteredFunction, data: RpcTypedData | undefined) => {
    const inputData = [{ name: triggerName(fn), data }, ...extraInputs(fn)];
    return invokeRegistered(core, fn, { inputData }, log);
  };

  const invokeOrchestratorJson = async (
    functionName: string,
    requestJson: string,
  ): Promise<OrchestratorResponse> => {
    const fn = lookup(functionName, 'orchestrationTrigger');
    try {
      const { response, result } = await invokeTrigger(fn, { string: requestJson });
      const state = returnValueOf(response) as OrchestratorResponse;
      markRepeatedActions(result, state);
      return state;
    } catch (err) {
      const state = parseOutOfProcData(err);
      if (state) return state;
      // Not the library's failure protocol (e.g. a preInvocation hook threw): fail the episode.
      return { isDone: false, actions: [[]], error: err instanceof Error ? err.message : String(err) };
    }
  };

  const app: LoadedApp = {
    appDir: dir,
    functions,
    httpStreaming: proxyUri !== undefined,
    setDurableClientBinding(data) {
      clientBinding = data;
    },
    async invokeHttp(functionName: string, request: HttpRequestData): Promise<HttpResponseData> {
      const fn = lookup(functionName, 'httpTrigger');
      if (!proxyUri) {
        const { response } = await invokeTrigger(fn, toRpcHttpRequest(request));
        return fromRpcHttpResponse(response);
      }
      const invocationId = randomUUID();
      const proxied = sendToStreamProxy(proxyUri, invocationId, request);
      const invocation = invokeRegistered(
        core,
        fn,
        {
          invocationId,
          inputData: [{ name: triggerName(fn), data: undefined }, ...extraInputs(fn)],
          triggerMetadata: httpTriggerMetadata(request),
        },
        log,
      );
      // The response arrives on the proxy connection; a function that throws never writes one.
      const failed = invocation.then(
        () => new Promise<never>(() => {}),
        (err: unknown) => {
          proxied.abort();
          throw err;
        },
      );
      return Promise.race([proxied.response, failed]);
    },
    async invokeTimer(functionName: string, info: { isPastDue: boolean }): Promise<void> {
      const fn = lookup(functionName, 'timerTrigger');
      const timer = { Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: info.isPastDue };
      await invokeTrigger(fn, { json: JSON.stringify(timer) });
    },
    async invokeOrchestrator(
      functionName: string,
      request: OrchestratorRequest,
    ): Promise<OrchestratorResponse> {
      return invokeOrchestratorJson(functionName, JSON.stringify(request));
    },
    invokeOrchestratorJson,
    async invokeActivity(functionName: string, input: unknown, instanceId: string): Promise<unknown> {
      const fn = lookup(functionName, 'activityTrigger');
      const data = input === undefined ? undefined : { string: JSON.stringify(input) };
      try {
        const { response } = await invokeRegistered(
          core,
          fn,
          {
            inputData: [{ name: triggerName(fn), data }, ...extraInputs(fn)],
            triggerMetadata: { instanceId: { string: instanceId } },
          },
          log,
        );
        return returnValueOf(response);
      } catch (err) {
        if (err instanceof Error)
          throw new FunctionError(err.message, err.constructor?.name ?? err.name, err.stack);
        throw new FunctionError(String(err), 'Error');
      }
    },
    async invokeEntity(functionName: string, request: EntityBatchRequest): Promise<EntityBatchResult> {
      const fn = lookup(functionName, 'entityTrigger');
      const { response } = await invokeTrigger(fn, { string: JSON.stringify(request) });
      return returnValueOf(response) as EntityBatchResult;
    },
    async invokeTrigger(functionName, trigger) {
      const fn = lookup(functionName);
      const { response } = await invokeRegistered(
        core,
        fn,
        {
          inputData: [{ name: triggerName(fn), data: trigger.data }, ...extraInputs(fn)],
          ...(trigger.metadata ? { triggerMetadata: trigger.metadata } : {}),
        },
        log,
      );
      return response.returnValue;
    },
    async runAppHook(name: 'appStart' | 'appTerminate'): Promise<void> {
      await runHooks(core, name, { hookData: {}, functionAppDirectory: dir });
    },
  };
  return app;
}

function findCaseInsensitive(core: CoreStandIn, name: string): RegisteredFunction | undefined {
  const lower = name.toLowerCase();
  for (const fn of core.functions.values()) if (fn.metadata.name.toLowerCase() === lower) return fn;
  return undefined;
}

function defaultLog(level: string, category: string, message: string): void {
  if (category !== 'user') return;
  if (level === 'error' || level === 'critical') console.error(message);
  else if (level === 'warning') console.warn(message);
  else console.log(message);
}

export type { FunctionInfo };
