/**
 * Makes `require('@azure/functions-core')` return the offline stand-in.
 * `@azure/functions` requires that module lazily and falls into "test mode" (dropping every
 * registration) when it is missing, so the hook must be installed before the app is loaded. It lives
 * on Node's own module resolver, which is what the app's (unbundled, CommonJS) modules use, also
 * inside a vitest worker.
 */
import Module from 'node:module';

const CORE_MODULE = '@azure/functions-core';
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
 * Forgets the app's modules and the libraries that hold registration state, so that loading the app
 * again registers every function afresh (their module-level state caches the core API and setup options).
 */
export function forgetAppModules(appDir: string): void {
  const cache = internals._cache;
  const appPrefix = appDir.endsWith('/') ? appDir : `${appDir}/`;
  for (const file of Object.keys(cache)) {
    const rel = file.startsWith(appPrefix) ? file.slice(appPrefix.length) : undefined;
    // Only the app's built JavaScript: the host's own TypeScript may live in the same repository.
    const inApp = rel !== undefined && !rel.startsWith('node_modules/') && /\.(c?js|json)$/.test(rel);
    if (
      inApp ||
      file === VIRTUAL_FILENAME ||
      file.includes('/node_modules/@azure/functions/') ||
      file.includes('/node_modules/durable-functions/')
    ) {
      delete cache[file];
    }
  }
}
