/**
 * What the host reads from an orchestrator's answer besides its JSON.
 *
 * durable-functions reports an orchestrator failure by throwing an error whose message ends with
 * `\n\n$OutOfProcData$:<OrchestratorState JSON>` (OrchestrationFailureError); the state carries `error`.
 */
import type { OrchestratorResponse } from '../types.js';

const LABEL = '$OutOfProcData$:';

export function parseOutOfProcData(err: unknown): OrchestratorResponse | undefined {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  const at = message?.lastIndexOf(LABEL) ?? -1;
  if (message === undefined || at < 0) return undefined;
  try {
    const state = JSON.parse(message.slice(at + LABEL.length)) as OrchestratorResponse;
    state.error ??= message.slice(0, at).trim();
    return state;
  } catch {
    return undefined;
  }
}

/**
 * A task reused in a later Task.any/Task.all (e.g. one deadline timer raced again on every loop turn)
 * puts the same action object into the cumulative tree again; the library gives it no new id. JSON
 * loses that identity, so it is recorded here from the live state: repeated actions get
 * `$repeated: true` and the engine skips them when assigning ids.
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
