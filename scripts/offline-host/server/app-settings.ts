import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the host reads from the app directory before loading it, as `func start` does. */
export interface AppSettings {
  /** `local.settings.json` "Values" (strings; other JSON types are stringified as Core Tools does). */
  values: Record<string, string>;
  /** host.json `extensions.http.routePrefix` (default `api`; `""` = no prefix). */
  routePrefix: string;
  /** host.json `extensions.durableTask.hubName` (unresolved `%SETTING%` kept). */
  hubName: string | undefined;
  /** host.json `extensions.durableTask.storageProvider.connectionStringName` (default `Storage`). */
  connectionName: string;
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  // host.json and local.settings.json accept comments in Core Tools; strip line and block comments.
  const text = readFileSync(file, 'utf8').replace(
    /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (_m, str: string | undefined) => str ?? '',
  );
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function readAppSettings(appDir: string): AppSettings {
  const local = record(readJson(path.join(appDir, 'local.settings.json')));
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(local['Values']))) {
    if (v === null || v === undefined) continue;
    values[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const extensions = record(record(readJson(path.join(appDir, 'host.json')))['extensions']);
  const http = record(extensions['http']);
  const durable = record(extensions['durableTask']);
  const provider = record(durable['storageProvider']);
  const routePrefix = typeof http['routePrefix'] === 'string' ? http['routePrefix'] : 'api';
  return {
    values,
    routePrefix,
    hubName: typeof durable['hubName'] === 'string' ? durable['hubName'] : undefined,
    connectionName:
      typeof provider['connectionStringName'] === 'string' ? provider['connectionStringName'] : 'Storage',
  };
}

/** Resolves `%NAME%` app-setting expressions the way the host resolves binding attributes. */
export function resolveSettingExpression(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined)
      throw new Error(
        `The app setting '${name}' referenced as '%${name}%' is not set (add it to local.settings.json "Values" or the environment).`,
      );
    return v;
  });
}

/**
 * Applies settings to process.env without overriding variables already set (Core Tools' rule), then
 * `overrides` unconditionally. Returns a function that restores the previous environment.
 */
export function applyEnvironment(
  values: Record<string, string>,
  overrides: Record<string, string> = {},
): () => void {
  const previous = new Map<string, string | undefined>();
  const set = (k: string, v: string) => {
    if (!previous.has(k)) previous.set(k, process.env[k]);
    process.env[k] = v;
  };
  for (const [k, v] of Object.entries(values)) if (process.env[k] === undefined) set(k, v);
  for (const [k, v] of Object.entries(overrides)) set(k, v);
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
