/** The engine's records: what it persists per instance and the messages between parts. */
import type { HistoryEvent, RuntimeStatus } from '../types.js';

export const RECORD_VERSION = 1;

/** What a leaf action of the orchestrator's cumulative action tree was turned into. */
export type SlotKind = 'activity' | 'subOrchestration' | 'timer' | 'callEntity' | 'signalEntity' | 'callHttp';

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One id-taking leaf action, in depth-first order of the tree (slot i ↔ leaf i). */
export interface Slot {
  kind: SlotKind;
  /** ActionType as the library sent it (0 CallActivity, 1 …WithRetry, …). */
  actionType: number;
  /** Function name, entity id + operation, or '' for timers: compared on replay. */
  name: string;
  /** The id of the slot's current scheduling event (changes on retries and long-timer splits). */
  currentId: number;
  retry?: { policy: RetryPolicy; failures: number; waitingTimerId?: number };
  timer?: { finalFireAt: number; cancelled: boolean };
  /** Retained to reschedule on retry. */
  input?: string | null;
  subInstanceId?: string;
}

export interface ShimState {
  nextId: number;
  slots: Slot[];
  /** id → slot index, for every id a slot ever used (including retry timers). */
  idToSlot: Record<number, number>;
}

export interface InstanceRecord {
  v: number;
  id: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text (null when there is none). */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdAt: number;
  updatedAt: number;
  parent?: { instanceId: string; executionId: string; taskId: number };
  shim: ShimState;
}

export interface OrchestrationMessage {
  kind: 'orchestration';
  seq: number;
  target: string;
  visibleAt: number;
  /** Stale completions (an earlier execution's) are dropped; events raised by clients carry none. */
  executionId?: string;
  event: HistoryEvent;
}

export interface EntityOperation {
  name: string;
  /** JSON text of the input, if any. */
  input?: string;
  isSignal: boolean;
  id: string;
  /** Calls only: where the response goes. */
  parent?: string;
  parentExecutionId?: string;
}

export interface EntityMessage {
  kind: 'entity';
  seq: number;
  target: string;
  visibleAt: number;
  op: EntityOperation;
}

export interface ActivityMessage {
  kind: 'activity';
  seq: number;
  /** The orchestration instance the result goes to. */
  target: string;
  visibleAt: number;
  executionId: string;
  taskId: number;
  name: string;
  input: string | null;
}

export type Message = OrchestrationMessage | EntityMessage | ActivityMessage;

export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set<RuntimeStatus>([
  'Completed',
  'Failed',
  'Terminated',
]);
