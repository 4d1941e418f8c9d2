/**
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
