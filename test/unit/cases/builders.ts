import type { ApplyRequest, ApplyResult } from '../../../src/actions/ledger';
import {
  commandFor,
  start,
  step,
  type CaseEvent,
  type CaseState,
  type Command,
  type Effect,
} from '../../../src/cases/reducer';
import type { CaseInput } from '../../../src/cases/types';
import type { Alert } from '../../../src/detection/schema';
import type { Assessment, Findings } from '../../../src/investigation/types';

/** Small builders for driving the case reducer the way the orchestrator does, one event at a time. */

export const T0 = '2026-03-31T10:00:00.000Z';
const HOUR = 3_600_000;
export const at = (hours: number) => new Date(Date.parse(T0) + hours * HOUR).toISOString();

export function alert(id: string, amount = 100): Alert {
  return {
    alertId: id,
    customerId: 'C001',
    rule: 'large_transaction',
    severity: 'high',
    description: `alert ${id}`,
    detectedAt: T0,
    events: [{ type: 'transaction', customerId: 'C001', timestamp: T0, amount, merchant: 'Shop' }],
  };
}

export function caseInput(settings: Partial<CaseInput['settings']> = {}): CaseInput {
  return {
    schemaVersion: 1,
    caseId: 'case-A',
    customerId: 'C001',
    alert: alert('A', 1000),
    settings: { riskThreshold: 0.6, decisionTimeoutHours: 72, maxRounds: 3, ...settings },
    openedBy: 'detection',
  };
}

function findings(score: number, degraded: boolean): Findings {
  return {
    specialist: 'billing',
    riskScore: score,
    summary: 's',
    evidence: [],
    toolCalls: [],
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, usd: 0 },
    model: 'scripted',
    degraded,
  };
}

export function assessment(round: number, riskScore: number, degraded = false): Assessment {
  return {
    round,
    riskScore,
    level: riskScore >= 0.8 ? 'critical' : riskScore >= 0.6 ? 'high' : riskScore >= 0.4 ? 'medium' : 'low',
    recommendedAction: riskScore >= 0.6 ? 'lock_account' : 'clear',
    reasoning: 'because',
    degraded,
    findings: [findings(riskScore, degraded)],
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, usd: 0.001 },
  };
}

type Of<T extends CaseEvent['type']> = Omit<Extract<CaseEvent, { type: T }>, 'type' | 'at'>;

/** Events, stamped with a time (hours after T0). */
export const ev = {
  evidence: (h: number, alerts: Alert[] = [], dropped = 0): CaseEvent => ({
    type: 'evidence',
    alerts,
    dropped,
    at: at(h),
  }),
  /** The read the profile marked final: the case must close now (src/cases/routing.ts). */
  lastRead: (h: number, alerts: Alert[] = []): CaseEvent => ({
    type: 'evidence',
    alerts,
    dropped: 0,
    final: true,
    at: at(h),
  }),
  /** A read that may clear, when something was waiting: the profile did not mark it final. */
  notLastRead: (h: number, alerts: Alert[] = []): CaseEvent => ({
    type: 'evidence',
    alerts,
    dropped: 0,
    final: false,
    at: at(h),
  }),
  investigated: (h: number, a: Assessment): CaseEvent => ({
    type: 'investigated',
    assessment: a,
    transcripts: [],
    at: at(h),
  }),
  investigationFailed: (h: number, error = 'model down'): CaseEvent => ({
    type: 'investigationFailed',
    error,
    at: at(h),
  }),
  notified: (h: number, error?: string): CaseEvent => ({
    type: 'notified',
    ...(error ? { error } : {}),
    at: at(h),
  }),
  decision: (h: number, payload: unknown): CaseEvent => ({ type: 'decision', payload, at: at(h) }),
  deadlinePassed: (h: number): CaseEvent => ({ type: 'deadlinePassed', at: at(h) }),
  ledgerApplied: (h: number, results: ApplyResult[]): CaseEvent => ({
    type: 'ledgerApplied',
    results,
    at: at(h),
  }),
  ledgerFailed: (h: number, error = 'entity down'): CaseEvent => ({ type: 'ledgerFailed', error, at: at(h) }),
  delivered: (h: number, error?: string): CaseEvent => ({
    type: 'delivered',
    ...(error ? { error } : {}),
    at: at(h),
  }),
  released: (h: number, next?: Of<'released'>['next']): CaseEvent => ({
    type: 'released',
    ...(next ? { next } : {}),
    at: at(h),
  }),
  handedOver: (h: number, error?: string): CaseEvent => ({
    type: 'handedOver',
    ...(error ? { error } : {}),
    at: at(h),
  }),
};

export function decision(
  round: number,
  d: 'approve' | 'reject',
  extra: { action?: string; feedback?: string; decisionId?: string } = {},
) {
  return {
    decisionId: extra.decisionId ?? `d-${round}-${d}`,
    decision: d,
    round,
    analyst: 'alice',
    decidedAt: T0,
    ...(extra.action ? { action: extra.action } : {}),
    ...(d === 'reject' ? { feedback: extra.feedback ?? 'look again' } : {}),
  };
}

/** Ledger results the accountLedger would answer for these requests (all newly applied). */
export function applied(requests: ApplyRequest[]): ApplyResult[] {
  return requests.map((r, i) => ({ applied: true, entry: { ...r, sequence: i + 1 } }));
}

/** A case driven by events: the current state, every effect asked for, every command waited on. */
export class Driver {
  state: CaseState;
  effects: Effect[];
  commands: Command[] = [];
  constructor(input: CaseInput = caseInput()) {
    const first = start(input, T0);
    this.state = first.state;
    this.effects = [...first.effects];
    this.commands.push(commandFor(this.state));
  }
  get command(): Command {
    return commandFor(this.state);
  }
  get status() {
    return this.state.status;
  }
  feed(...events: CaseEvent[]): this {
    for (const e of events) {
      const next = step(this.state, e);
      this.state = next.state;
      this.effects.push(...next.effects);
      this.commands.push(commandFor(this.state));
    }
    return this;
  }
  /** Answers every notification the case sends until it completes. */
  finish(h: number): this {
    while (this.command.kind === 'notify') this.feed(ev.notified(h));
    return this;
  }
  /** Round 1 investigated at this risk, with nothing in the inbox. */
  assess(riskScore: number, h = 0.1, round = this.status.round, degraded = false): this {
    return this.feed(ev.evidence(h), ev.investigated(h, assessment(round, riskScore, degraded)));
  }
}
