/**
 * Everything the offline host relies on inside `durable-functions` and `@azure/functions` beyond their
 * public API, in one place. The worker, the Functions host and the Durable extension talk to these
 * libraries through contracts that are not published as API (module resolution of
 * `@azure/functions-core`, the orchestrator's JSON schema, the failure message format, the HTTP streaming
 * proxy). Each is written down here with the file of the library it comes from, and LIBRARY_ASSUMPTIONS
 * checks every one against the installed libraries: test/offline-host/library-adapter.test.ts fails with
 * "durable-functions <version> changed <what>; the offline host relies on it in <where>" after an upgrade
 * that breaks one.
 *
 * Read from durable-functions 3.5.0 and @azure/functions 4.16.5 (package files under node_modules).
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { ActionType } from './engine/actions.js';
import type { OrchestratorResponse } from './types.js';

// ── @azure/functions-core: how registrations reach the host ───────────────────────────────────

/**
 * `@azure/functions` requires `@azure/functions-core` lazily (dist/azure-functions.js,
 * tryGetCoreApiLazy) and falls into "test mode", dropping every registration, when it is missing. The
 * host answers that `require` with its stand-in by hooking Node's resolver.
 */
export const CORE_MODULE = '@azure/functions-core';
/** A path no file has: the stand-in lives only in require.cache under it. */
const VIRTUAL_FILENAME = '/__offline-host__/azure-functions-core.js';

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
  _cache: Record<string, unknown>;
}
const internals = Module as unknown as ModuleInternals;
let installed = false;

/** Points `@azure/functions-core` at `api` for every module required from now on. */
export function provideCoreApi(api: object): void {
  if (!installed) {
    const original = internals._resolveFilename;
    internals._resolveFilename = function (request, parent, isMain, options) {
      if (request === CORE_MODULE) return VIRTUAL_FILENAME;
      return original.call(this, request, parent, isMain, options);
    };
    installed = true;
  }
  const mod = new Module(VIRTUAL_FILENAME);
  mod.filename = VIRTUAL_FILENAME;
  mod.loaded = true;
  mod.exports = api;
  internals._cache[VIRTUAL_FILENAME] = mod;
}

/**
 * Forgets the app's modules and the libraries that hold registration state in module scope (the core
 * API they cached, `app.setup` options, the programming model set once), so that loading the app again
 * registers every function afresh.
 */
export function forgetAppModules(appDir: string): void {
  const cache = internals._cache;
  const appPrefix = appDir.endsWith('/') ? appDir : `${appDir}/`;
  for (const file of Object.keys(cache)) {
    const rel = file.startsWith(appPrefix) ? file.slice(appPrefix.length) : undefined;
    // Only the app's built JavaScript: the host's own TypeScript may live in the same repository.
    const inApp = rel !== undefined && !rel.startsWith('node_modules/') && /\.(c?js|json)$/.test(rel);
    if (inApp || file === VIRTUAL_FILENAME || LIBRARY_DIRS.some((dir) => file.includes(dir)))
      delete cache[file];
  }
}
const LIBRARY_DIRS = ['/node_modules/@azure/functions/', '/node_modules/durable-functions/'];

/** @azure/functions src/http/httpProxy.ts and ProgrammingModel.getCapabilities: the HTTP streaming proxy. */
export const HTTP_PROXY = {
  /** The capability getCapabilities() fills with the proxy's URL when `app.setup({ enableHttpStream })`. */
  capability: 'HttpUri',
  /** The header that ties a proxied request to its invocation. */
  invocationHeader: 'x-ms-invocation-id',
} as const;

// ── durable-functions: the orchestrator's JSON schema ─────────────────────────────────────────

/**
 * The extension advertises schema V3 (`upperSchemaVersionNew`; OrchestrationTriggerAttributeBindingProvider
 * in the extension); durable-functions picks it (orchestrations/Orchestrator.js) and answers with one
 * cumulative action group (ReplaySchema.V3 = 2).
 */
export const SCHEMA = { upperSchemaVersion: 1, upperSchemaVersionNew: 2 } as const;

export interface OrchestratorRequestParts {
  /** The history as JSON array items (already serialized, comma-joined). */
  historyJson: string;
  inputJson: string | null;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId?: string;
  longRunningTimerInterval: string;
  maximumShortTimer: string;
  httpAsyncSleepMs: number;
}

/**
 * The orchestration trigger's payload as durable-functions reads it (DurableOrchestrationBindingInfo;
 * `defaultHttpAsyncRequestSleepTimeMillseconds` is misspelled there, and the extension sends it so).
 */
export function orchestratorRequestJson(p: OrchestratorRequestParts): string {
  const parent = p.parentInstanceId ? `,"parentInstanceId":${JSON.stringify(p.parentInstanceId)}` : '';
  return (
    `{"history":[${p.historyJson}],"input":${p.inputJson ?? 'null'},` +
    `"instanceId":${JSON.stringify(p.instanceId)},"isReplaying":${p.isReplaying}${parent},` +
    `"upperSchemaVersion":${SCHEMA.upperSchemaVersion},"upperSchemaVersionNew":${SCHEMA.upperSchemaVersionNew},` +
    `"longRunningTimerIntervalDuration":${JSON.stringify(p.longRunningTimerInterval)},` +
    `"maximumShortTimerDuration":${JSON.stringify(p.maximumShortTimer)},` +
    `"defaultHttpAsyncRequestSleepTimeMillseconds":${p.httpAsyncSleepMs}}`
  );
}

/**
 * durable-functions reports an orchestrator failure by throwing an error whose message ends with
 * `\n\n$OutOfProcData$:<OrchestratorState JSON>` (error/OrchestrationFailureError.js); the state carries
 * `error`. The extension reads it the same way (OutOfProcExceptionHelpers.TryExtractOutOfProcStateJson).
 */
export const OUT_OF_PROC_LABEL = '$OutOfProcData$:';

export function parseOutOfProcData(err: unknown): OrchestratorResponse | undefined {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  const at = message?.lastIndexOf(OUT_OF_PROC_LABEL) ?? -1;
  if (message === undefined || at < 0) return undefined;
  try {
    const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorResponse;
    state.error ??= message.slice(0, at).trim();
    return state;
  } catch {
    return undefined;
  }
}

/**
 * A task yielded into a second Task.any/Task.all puts the same action object into the cumulative tree
 * again (TaskOrchestrationExecutor.addToActions of a new compound whose children are old tasks). JSON
 * loses that identity, so it is recorded here from the live state the handler returned: repeated actions
 * get `$repeated: true`, which the shim replay uses to name the pattern in the host log.
 */
export function markRepeatedActions(raw: unknown, state: OrchestratorResponse | undefined): void {
  const rawActions = (raw as { actions?: unknown } | undefined)?.actions;
  if (!state || !Array.isArray(rawActions) || !Array.isArray(state.actions)) return;
  const seen = new Set<object>();
  const walk = (rawList: unknown, jsonList: unknown): void => {
    if (!Array.isArray(rawList) || !Array.isArray(jsonList)) return;
    rawList.forEach((action: unknown, i) => {
      const json = jsonList[i] as Record<string, unknown> | undefined;
      if (!action || typeof action !== 'object' || !json) return;
      if (seen.has(action)) {
        json.$repeated = true;
        return;
      }
      seen.add(action);
      walk((action as { compoundActions?: unknown }).compoundActions, json.compoundActions);
    });
  };
  rawActions.forEach((group, i) => walk(group, state.actions[i]));
}

// ── The checks ────────────────────────────────────────────────────────────────────────────────

export interface LibraryAssumption {
  library: 'durable-functions' | '@azure/functions';
  /** What the host assumes, as "X changed Y" would name it. */
  what: string;
  /** Where the host relies on it. */
  usedIn: string;
  /** Undefined when the installed library still behaves so; else what is different now. */
  check(): string | undefined;
}

const requireFromHere = Module.createRequire(__filename);

export function libraryVersion(library: LibraryAssumption['library']): string {
  return (requireFromHere(`${library}/package.json`) as { version: string }).version;
}

function libraryFile(library: string, rel: string): string {
  return path.join(path.dirname(requireFromHere.resolve(`${library}/package.json`)), rel);
}

function sourceOf(library: string, rel: string): string {
  return fs.readFileSync(libraryFile(library, rel), 'utf8');
}

const missing = (source: string, needles: readonly string[]) => needles.filter((n) => !source.includes(n));

export const LIBRARY_ASSUMPTIONS: readonly LibraryAssumption[] = [
  {
    library: '@azure/functions',
    what: 'how it loads @azure/functions-core (a lazy require of that name, test mode without it)',
    usedIn: 'library-adapter.provideCoreApi (app-loader/index.ts captures every registration through it)',
    check: () => {
      const lost = missing(sourceOf('@azure/functions', 'dist/azure-functions.js'), [
        `require("${CORE_MODULE}")`,
        'setProgrammingModel',
        'registerFunction',
      ]);
      if (typeof internals._resolveFilename !== 'function' || typeof internals._cache !== 'object')
        lost.push("Node's Module._resolveFilename / Module._cache");
      return lost.length ? `no longer has ${lost.join(', ')}` : undefined;
    },
  },
  {
    library: '@azure/functions',
    what: 'the programming model the worker calls (getInvocationModel → getArguments / invokeFunction / getResponse, getCapabilities)',
    usedIn: 'app-loader/invoke.ts and app-loader/index.ts (every invocation)',
    check: () => {
      const lost = missing(sourceOf('@azure/functions', 'dist/azure-functions.js'), [
        'getInvocationModel',
        'getArguments',
        'invokeFunction',
        'getResponse',
        'getCapabilities',
      ]);
      return lost.length ? `no longer has ${lost.join(', ')}` : undefined;
    },
  },
  {
    library: '@azure/functions',
    what: `the HTTP streaming proxy (capability '${HTTP_PROXY.capability}', header '${HTTP_PROXY.invocationHeader}')`,
    usedIn: 'app-loader/http.ts sendToStreamProxy (apps with app.setup({ enableHttpStream: true }))',
    check: () => {
      const lost = missing(sourceOf('@azure/functions', 'dist/azure-functions.js'), [
        HTTP_PROXY.capability,
        HTTP_PROXY.invocationHeader,
      ]);
      return lost.length ? `no longer uses ${lost.join(', ')}` : undefined;
    },
  },
  {
    library: 'durable-functions',
    what: 'the orchestration trigger fields it reads (upperSchemaVersionNew, long-timer durations, the misspelled defaultHttpAsyncRequestSleepTimeMillseconds)',
    usedIn: 'library-adapter.orchestratorRequestJson (engine/orchestration-runner.ts, every episode)',
    check: () => {
      const source =
        sourceOf('durable-functions', 'lib/src/orchestrations/Orchestrator.js') +
        sourceOf('durable-functions', 'lib/src/orchestrations/DurableOrchestrationBindingInfo.js');
      const lost = missing(source, [
        'upperSchemaVersionNew',
        'longRunningTimerIntervalDuration',
        'maximumShortTimerDuration',
        'defaultHttpAsyncRequestSleepTimeMillseconds',
        'isReplaying',
        'parentInstanceId',
      ]);
      return lost.length ? `no longer reads ${lost.join(', ')}` : undefined;
    },
  },
  {
    library: 'durable-functions',
    what: `replay schema V3 = ${SCHEMA.upperSchemaVersionNew} (one cumulative action group per episode)`,
    usedIn: 'library-adapter.SCHEMA and engine/shim-replay.ts',
    check: () => {
      const { ReplaySchema } = requireFromHere('durable-functions/lib/src/orchestrations/ReplaySchema') as {
        ReplaySchema: Record<string, number>;
      };
      return ReplaySchema.V3 === SCHEMA.upperSchemaVersionNew
        ? undefined
        : `ReplaySchema.V3 is now ${ReplaySchema.V3}`;
    },
  },
  {
    library: 'durable-functions',
    what: 'the action type numbers of its actions',
    usedIn: 'engine/actions.ts ActionType (engine/shim-replay.ts replays by them)',
    check: () => {
      const { ActionType: theirs } = requireFromHere('durable-functions/lib/src/actions/ActionType') as {
        ActionType: Record<string, number>;
      };
      const differ = Object.entries(ActionType).filter(([name, value]) => theirs[name] !== value);
      return differ.length ? `numbers ${differ.map(([n]) => `${n}=${theirs[n]}`).join(', ')}` : undefined;
    },
  },
  {
    library: 'durable-functions',
    what: `the orchestrator failure format ('${OUT_OF_PROC_LABEL}<state JSON>' at the end of the message)`,
    usedIn: 'library-adapter.parseOutOfProcData (app-loader/index.ts, every failing episode)',
    check: () => {
      const { OrchestrationFailureError } = requireFromHere(
        'durable-functions/lib/src/error/OrchestrationFailureError',
      ) as { OrchestrationFailureError: new (done: boolean, state: unknown) => Error };
      const parsed = parseOutOfProcData(
        new OrchestrationFailureError(false, { isDone: false, actions: [[]] }),
      );
      return parsed?.isDone === false ? undefined : 'it: the state can no longer be read back from the error';
    },
  },
  {
    library: 'durable-functions',
    what: 'the entity batch fields it reads (self, exists, state, batch) and returns (entityExists, entityState, results, signals)',
    usedIn: 'engine/entity-batch.ts (every entity batch)',
    check: () => {
      const source =
        sourceOf('durable-functions', 'lib/src/entities/DurableEntityBindingInfo.js') +
        sourceOf('durable-functions', 'lib/src/entities/EntityState.js') +
        sourceOf('durable-functions', 'lib/src/entities/Entity.js');
      const lost = missing(source, [
        'self',
        'exists',
        'state',
        'batch',
        'entityExists',
        'entityState',
        'results',
        'signals',
      ]);
      return lost.length ? `no longer uses ${lost.join(', ')}` : undefined;
    },
  },
  {
    library: 'durable-functions',
    what: 'the durable client binding (rpcBaseUrl and the management URL templates)',
    usedIn: 'server/client-binding.ts and server/durable-api.ts (every df.getClient call)',
    check: () => {
      const lost = missing(sourceOf('durable-functions', 'lib/src/durableClient/DurableClient.js'), [
        'rpcBaseUrl',
        'raiseEvent/',
        'managementUrls',
        'createCheckStatusResponse',
      ]);
      return lost.length ? `no longer uses ${lost.join(', ')}` : undefined;
    },
  },
];
