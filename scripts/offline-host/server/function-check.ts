/**
 * Indexing as the Functions host does it at start: a function whose binding the host cannot run, or
 * whose binding refers to an app setting (`%NAME%`) that does not resolve, is "in error" — reported at
 * start and never invoked — while the other functions run. `func start` reports both the same way
 * ("The 'f' function is in error: …"); the offline host has no binding extensions beyond HTTP, timers,
 * Durable Functions and MCP, so it reports the others as the host does for an extension that is not
 * installed, instead of running their outputs as silent no-ops.
 */
import type { FunctionInfo } from '../types.js';

/** Binding types the offline host carries out. */
const SUPPORTED = new Set([
  'httpTrigger',
  'http',
  'timerTrigger',
  'orchestrationTrigger',
  'activityTrigger',
  'entityTrigger',
  'durableClient',
  'orchestrationClient',
  'mcpToolTrigger',
  'mcpResourceTrigger',
  'mcpPromptTrigger',
]);

export interface FunctionInError {
  name: string;
  message: string;
}

export function checkFunctions(
  functions: readonly FunctionInfo[],
  env: NodeJS.ProcessEnv = process.env,
): { runnable: FunctionInfo[]; errors: FunctionInError[] } {
  const runnable: FunctionInfo[] = [];
  const errors: FunctionInError[] = [];
  for (const fn of functions) {
    const message = problemOf(fn, env);
    if (message) errors.push({ name: fn.name, message: `The '${fn.name}' function is in error: ${message}` });
    else runnable.push(fn);
  }
  return { runnable, errors };
}

function problemOf(fn: FunctionInfo, env: NodeJS.ProcessEnv): string | undefined {
  const bindings = Object.values(
    (fn.metadata as { bindings?: Record<string, Record<string, unknown>> }).bindings ?? {},
  );
  const unsupported = [...new Set(bindings.map((b) => String(b.type)).filter((t) => !SUPPORTED.has(t)))];
  if (unsupported.length > 0) {
    return (
      `The binding type(s) '${unsupported.join("', '")}' are not registered. Please ensure the type is correct and ` +
      'the binding extension is installed. (The offline host runs HTTP, timer, Durable Functions and MCP bindings ' +
      'only: run this function with func start against Azurite or Azure.)'
    );
  }
  for (const binding of bindings) {
    for (const value of Object.values(binding)) {
      if (typeof value !== 'string') continue;
      for (const [, setting] of value.matchAll(/%([^%]+)%/g)) {
        if (env[setting as string] === undefined) {
          return (
            `Microsoft.Azure.WebJobs.Host: Error indexing method 'Functions.${fn.name}'. ` +
            `Microsoft.Azure.WebJobs.Host: '%${setting}%' does not resolve to a value. ` +
            `(Add ${setting} to local.settings.json "Values" or the environment.)`
          );
        }
      }
    }
  }
  return undefined;
}
