import { z } from 'zod';
import type { CaseStatus, DecisionRecord, RiskSummary } from '../cases/types';
import { RiskLevel } from '../investigation/types';
import { Outcome, Stage } from '../review/types';

/**
 * Case records: the durable home of what analysts and auditors need about a case, kept apart from the
 * scheduler's instance history (which is purged after its retention period) and written from the case's
 * own lifecycle activities. Every write is idempotent (activities run at least once) and monotonic (a
 * write older than the stored record changes nothing).
 */

/** One row of the case index: what the list shows and filters/sorts on. */
export interface CaseSummaryRecord {
  caseId: string;
  customerId: string;
  rule: string;
  stage: Stage;
  outcome?: Outcome;
  round: number;
  risk?: RiskSummary;
  /** Set while the case awaits a decision. */
  deadline?: string;
  openedAt: string;
  lastUpdatedAt: string;
  /** The orchestration's runtime status as last recorded (Running, Completed, Failed, Terminated). */
  runtimeStatus: string;
  usage: { tokens: number; usd: number };
}

export interface CaseRecord extends CaseSummaryRecord {
  schemaVersion: 1;
  /** Monotonic position in the case's life (see recordVersion): a lower one never overwrites a higher. */
  version: string;
  /** The last full status (findings, timeline, decisions, action): the case view once the instance is purged. */
  status?: CaseStatus;
}

/** A decision as the case recorded it, with the analyst's identity. */
export type DecisionAudit = DecisionRecord & { caseId: string };

/** An entry of the account ledger written for a case (one per idempotency key). */
export interface LedgerAudit {
  caseId: string;
  customerId: string;
  idempotencyKey: string;
  action: string;
  round?: number;
  analyst?: string;
  amount?: number;
  /** When the ledger applied it. */
  at: string;
  sequence: number;
}

export const DeliveryState = z.enum(['delivered', 'failed', 'not_configured']);
export type DeliveryState = z.infer<typeof DeliveryState>;

/** One outbound message of a case (analyst page, action, notice), by its idempotency key. */
export interface DeliveryAudit {
  caseId: string;
  idempotencyKey: string;
  /** awaiting_decision | escalated | auto_cleared | closed | action */
  kind: string;
  state: DeliveryState;
  /** The receiver's host (never the full URL: it may carry a token). */
  target?: string;
  httpStatus?: number;
  error?: string;
  attempts: number;
  firstAttemptAt: string;
  lastAttemptAt: string;
}

export interface CaseAudit {
  decisions: DecisionAudit[];
  ledger: LedgerAudit[];
  deliveries: DeliveryAudit[];
}

export const SortKey = z.enum(['deadline', 'risk', 'opened']);
export type SortKey = z.infer<typeof SortKey>;

/** A page query of the case index. Each sort has one direction: soonest deadline, highest risk, newest. */
export interface CaseQuery {
  stage?: Stage | 'open';
  outcome?: Outcome;
  riskLevel?: RiskLevel;
  rule?: string;
  customerId?: string;
  /** Prefix of a customer id or a case id (with or without its `case-`), case-insensitive. */
  search?: string;
  sort: SortKey;
  limit: number;
  /** The sort key of the last case of the previous page (see keys.ts). */
  after?: string;
}

export interface CasePage {
  cases: CaseSummaryRecord[];
  /** The sort key of the last case, when there are more. */
  nextAfter?: string;
  /** Cases matching the filters (stores that can count cheaply). */
  total?: number;
}

/** The port: SQLite offline (file or memory), Azure Table Storage in Azure. */
export interface CaseRecordStore {
  /** Where records live, for /api/health and logs (no secrets). */
  readonly location: string;
  /** Writes the case unless the stored record is newer; upserts its decisions either way. */
  putCase(record: CaseRecord): Promise<boolean>;
  putLedger(entries: readonly LedgerAudit[]): Promise<void>;
  /** Upserts a delivery by key; a later attempt counts on from the stored one and never un-delivers it. */
  putDelivery(delivery: DeliveryAudit): Promise<void>;
  getCase(caseId: string): Promise<CaseRecord | undefined>;
  listCases(query: CaseQuery): Promise<CasePage>;
  audit(caseId: string): Promise<CaseAudit>;
  close(): Promise<void>;
}
