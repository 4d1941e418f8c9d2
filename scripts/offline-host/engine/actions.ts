/**
 * The orchestrator's cumulative action tree (schema V3: `actions: [[...]]`, compound actions nest in
 * `compoundActions`), walked depth-first the way ids are assigned: every activity, timer,
 * sub-orchestration, entity call/signal and http call takes one id; waits and continue-as-new take none.
 */
import type { RetryPolicy, SlotKind } from './model.js';

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
  compoundActions?: RawAction[];
  /** Set by the app loader: the same action object appeared earlier in the tree (no new id). */
  $repeated?: boolean;
}

export interface Leaf {
  action: RawAction;
  kind: SlotKind | 'wait' | 'continueAsNew';
  /** What a replayed leaf is compared by (nondeterminism check). */
  name: string;
}

export class UnsupportedActionError extends Error {}

export function flattenActions(actions: unknown): Leaf[] {
  const leaves: Leaf[] = [];
  const visit = (action: RawAction, insideRepeat = false): void => {
    const repeated = insideRepeat || action.$repeated === true;
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      for (const child of action.compoundActions ?? []) visit(child, repeated);
      return;
    }
    if (repeated) {
      // durable-functions sends a task that appears in a second Task.any/Task.all again without a new
      // id; the extension's shim rebuilds every action from JSON and schedules it again under a new id,
      // so its ids and the library's drift apart. Waits take no id and are harmless; fail loudly otherwise.
      if (ID_TAKING.has(action.actionType))
        throw new UnsupportedActionError(
          `A ${describeType(action.actionType)} task was passed to a second Task.any/Task.all. On the real host ` +
            'the Durable extension schedules it again under a new task id and later results reach the wrong tasks. ' +
            'Create a new task for each Task.any/Task.all (for a deadline: a new timer with the same fireAt, cancelling the old one).',
        );
      return;
    }
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        leaves.push({ action, kind: 'activity', name: action.functionName ?? '' });
        return;
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        leaves.push({ action, kind: 'subOrchestration', name: action.functionName ?? '' });
        return;
      case ActionType.CreateTimer:
        leaves.push({ action, kind: 'timer', name: 'timer' });
        return;
      case ActionType.CallEntity:
        leaves.push({ action, kind: 'callEntity', name: `${action.instanceId}:${action.operation}` });
        return;
      case ActionType.SignalEntity:
        leaves.push({ action, kind: 'signalEntity', name: `${action.instanceId}:${action.operation}` });
        return;
      case ActionType.CallHttp:
        leaves.push({ action, kind: 'callHttp', name: 'callHttp' });
        return;
      case ActionType.WaitForExternalEvent:
        leaves.push({ action, kind: 'wait', name: action.externalEventName ?? '' });
        return;
      case ActionType.ContinueAsNew:
        leaves.push({ action, kind: 'continueAsNew', name: '' });
        return;
      default:
        throw new UnsupportedActionError(
          `The orchestrator produced action type ${action.actionType}, which the offline host does not support` +
            (action.actionType === ActionType.LockEntities
              ? ' (entity locks need schema V4; avoid context.df.lock()).'
              : '.'),
        );
    }
  };
  const outer = Array.isArray(actions) ? (actions as unknown[]) : [];
  for (const group of outer) {
    if (Array.isArray(group)) for (const action of group as RawAction[]) visit(action);
  }
  return leaves;
}

const ID_TAKING = new Set<number>([
  ActionType.CallActivity,
  ActionType.CallActivityWithRetry,
  ActionType.CallSubOrchestrator,
  ActionType.CallSubOrchestratorWithRetry,
  ActionType.CreateTimer,
  ActionType.CallEntity,
  ActionType.CallHttp,
  ActionType.SignalEntity,
]);

function describeType(actionType: number): string {
  const name =
    Object.entries(ActionType).find(([, v]) => v === actionType)?.[0] ?? `action type ${actionType}`;
  return name === 'CreateTimer' ? 'timer' : name;
}

export function takesId(leaf: Leaf): leaf is Leaf & { kind: SlotKind } {
  return leaf.kind !== 'wait' && leaf.kind !== 'continueAsNew';
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

export function describeAction(kind: string, actionType: number, name: string): string {
  const typeName =
    Object.entries(ActionType).find(([, v]) => v === actionType)?.[0] ?? `action type ${actionType}`;
  return kind === 'timer' ? typeName : `${typeName} '${name}'`;
}
