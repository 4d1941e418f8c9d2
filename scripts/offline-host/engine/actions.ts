/**
 * The orchestrator's actions as durable-functions serializes them (schema V3: `actions: [[...]]`,
 * compound actions nest in `compoundActions`); shim-replay.ts replays them as the extension does.
 */
import type { RetryPolicy } from './model.js';

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** One action as serialized by durable-functions (camelCase fields). */
export interface RawAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryPolicy;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  /** CallHttp: the library's DurableHttpRequest. */
  httpRequest?: unknown;
  compoundActions?: RawAction[];
  /** Set by the app loader: the same action object appeared earlier in the tree (no new id). */
  $repeated?: boolean;
}

/**
 * JSON text of an activity / continue-as-new input: the library JSON-encodes string inputs itself
 * (Utils.processInput), so a string is already JSON text and anything else is the value.
 */
export function encodedInputJson(input: unknown): string | null {
  if (input === undefined) return null;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/** JSON text of a value passed as-is (sub-orchestration and entity inputs). */
export function rawInputJson(input: unknown): string | null {
  return input === undefined ? null : JSON.stringify(input);
}
