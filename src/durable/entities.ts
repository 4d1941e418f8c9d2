import { z } from 'zod';
import { ApplyRequest, ApplyResult, emptyLedger, LedgerState } from '../actions/ledger';
import { loadProfile, ProfileState } from '../detection/profile';
import { Alert, TelemetryEvent } from '../detection/schema';
import { CaseSession, migrateSession, SessionEntry } from '../investigation/session';
import { Assessment } from '../investigation/types';
import { loadLiveRecord, type LiveRecordState } from '../live/record';
import { AccountActivityOps, AccountLedgerOps, CaseSessionOps, CustomerProfileOps, Entities } from '../names';
import { ManualOpen, Released, Route, Taken, TakeRequest } from '../cases/routing';
import { defineEntity, operation, parseAt } from './typed';

/**
 * The contracts of the entities: how their state is read and what each operation takes and answers.
 * Handlers live in src/functions/ (registerEntity); callers use callEntity/signalEntity (src/durable/typed.ts).
 */
const none = z.undefined();
const CaseRef = z.object({ caseId: z.string() });

// ── customerProfile (key = customer id): detection state and case routing (src/cases/routing.ts) ──

export const customerProfile = defineEntity({
  name: Entities.customerProfile,
  load: (raw, key): ProfileState => loadProfile(raw, key),
  operations: {
    /** Evaluates the rules over a batch and routes the alerts they raise. */
    [CustomerProfileOps.ingest]: operation(z.object({ events: z.array(TelemetryEvent) }), Route),
    /** Routes alerts raised elsewhere, as detected ones. */
    [CustomerProfileOps.route]: operation(z.object({ alerts: z.array(Alert) }), Route),
    [CustomerProfileOps.openManual]: operation(ManualOpen, Route),
    /** The open case ended without releasing: route its unread alerts again (after a manual open). */
    [CustomerProfileOps.reroute]: operation(
      z.object({ closedCaseId: z.string(), manual: ManualOpen.optional() }),
      Route,
    ),
    /** The case reads its inbox; a final take marks it closing (src/cases/routing.ts). */
    [CustomerProfileOps.take]: operation(TakeRequest, Taken),
    [CustomerProfileOps.release]: operation(CaseRef, Released),
    [CustomerProfileOps.get]: operation(none, ProfileState),
  },
});

// ── caseSession (key = case id): the durable conversation of one case ────────────────────────────────

/** Evidence can reach a session before the case has opened it: it waits here until then. */
export const PendingEvidence = z.object({ pendingEvidence: z.array(Alert) });
export type PendingEvidence = z.infer<typeof PendingEvidence>;
export type SessionState = CaseSession | PendingEvidence | undefined;

function loadSession(raw: unknown): SessionState {
  if (raw === undefined || raw === null) return undefined;
  const pending = PendingEvidence.safeParse(raw);
  return pending.success ? pending.data : migrateSession(raw);
}

export const caseSession = defineEntity({
  name: Entities.caseSession,
  load: loadSession,
  operations: {
    [CaseSessionOps.open]: operation(
      z.object({ caseId: z.string(), alert: Alert, openedAt: z.string() }),
      none,
    ),
    [CaseSessionOps.recordRound]: operation(
      z.object({
        round: z.number().int().positive(),
        assessment: Assessment,
        transcripts: z.array(z.array(SessionEntry)),
        at: z.string(),
      }),
      none,
    ),
    [CaseSessionOps.addFeedback]: operation(
      z.object({
        round: z.number().int().positive(),
        feedback: z.string(),
        analyst: z.string().optional(),
        at: z.string(),
      }),
      none,
    ),
    /** Alerts the case read from its inbox, in the round that was current when it read them. */
    [CaseSessionOps.addEvidence]: operation(
      z.object({ alerts: z.array(Alert), at: z.string(), round: z.number().int().positive().optional() }),
      none,
    ),
    [CaseSessionOps.get]: operation(none, CaseSession.nullable()),
  },
});

// ── accountLedger (key = customer id): every action on an account, once per idempotency key ─────────

export const accountLedger = defineEntity({
  name: Entities.accountLedger,
  load: (raw, key): LedgerState =>
    raw === undefined || raw === null ? emptyLedger() : parseAt(LedgerState, raw, `accountLedger ${key}`),
  operations: {
    [AccountLedgerOps.apply]: operation(ApplyRequest, ApplyResult),
    [AccountLedgerOps.get]: operation(none, LedgerState),
  },
});

// ── accountActivity (key = customer id): the live account record investigations read ────────────────

export const accountActivity = defineEntity({
  name: Entities.accountActivity,
  load: (raw, key): LiveRecordState => loadLiveRecord(raw, key),
  operations: {
    /** One customer's accepted events of one ingested batch (one signal per customer per batch). */
    [AccountActivityOps.append]: operation(z.object({ events: z.array(TelemetryEvent) }), none),
    [AccountActivityOps.get]: operation(none, z.unknown()),
  },
});
