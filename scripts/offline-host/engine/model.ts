/** The engine's records: what it persists per instance and the messages between parts. */
import type { HistoryEvent, RuntimeStatus } from '../types.js';

export const RECORD_VERSION = 2;

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
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
