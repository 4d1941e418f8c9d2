import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCases, validCaseListQuery } from '../../../src/api/case-index';
import type { CaseStatus } from '../../../src/cases/types';
import { advancedRecord, recordFromStatus } from '../../../src/records/record';
import type { CaseRecordStore, DeliveryAudit } from '../../../src/records/types';
import { caseStatus, decision } from '../api/builders';

/**
 * The behaviour every case-record store must have (SQLite offline, Table Storage in Azure): the same
 * tests run against each, through the API's own list function.
 */
const HOUR = 3_600_000;
const iso = (h: number) => new Date(Date.UTC(2026, 10, 22, 0, 0, 0) + h * HOUR).toISOString();

/** Case `i`: alternating stages, risks and customers, opened an hour apart. */
function nth(i: number): CaseStatus {
  const stage = (['awaiting_decision', 'closed', 'investigating'] as const)[i % 3]!;
  const level = (['low', 'medium', 'high', 'critical'] as const)[i % 4]!;
  return caseStatus({
    caseId: `case-C${String(i % 7).padStart(3, '0')}-alert-${String(i).padStart(4, '0')}`,
    customerId: `C${String(i % 7).padStart(3, '0')}`,
    rule: i % 2 ? 'large_transaction' : 'new_country_login',
    stage,
    round: 1 + (i % 3 === 2 ? 1 : 0),
    openedAt: iso(i),
    deadline: stage === 'awaiting_decision' ? iso(1000 - i * 3) : undefined,
    outcome: stage === 'closed' ? (i % 2 ? 'auto_cleared' : 'action_executed') : undefined,
    risk: { score: ((i * 37) % 100) / 100, level, recommendedAction: 'lock_account', degraded: false },
    timeline: [{ at: iso(i), stage, event: 'opened', round: 1 }],
  });
}

export function storeContract(name: string, open: () => Promise<CaseRecordStore>): void {
  describe(`case-record store: ${name}`, () => {
    let store: CaseRecordStore;
    const N = 60;
    beforeAll(async () => {
      store = await open();
      for (let i = 0; i < N; i++) await store.putCase(recordFromStatus(nth(i), 'Running'));
    }, 60_000);
    afterAll(() => store?.close());

    const page = (q: Record<string, unknown>) => listCases(store, validCaseListQuery(q));
    const ids = async (q: Record<string, unknown>) =>
      (await page({ limit: 500, ...q })).cases.map((c) => c.caseId);

    it('lists newest first by default, and every case exactly once across pages', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const p = await page({ limit: 7, ...(cursor ? { cursor } : {}) });
        expect(p.count).toBeLessThanOrEqual(7);
        seen.push(...p.cases.map((c) => c.caseId));
        cursor = p.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(N);
      expect(new Set(seen).size).toBe(N);
      const opened = (await page({ limit: 500 })).cases.map((c) => c.openedAt);
      expect(opened).toEqual([...opened].sort().reverse());
    });

    it('puts the cases awaiting a decision soonest deadline first', async () => {
      const p = await page({ status: 'awaiting_decision', sort: 'deadline', limit: 500 });
      expect(p.cases.length).toBe(N / 3);
      expect(p.cases.every((c) => c.stage === 'awaiting_decision')).toBe(true);
      const deadlines = p.cases.map((c) => c.deadline!);
      expect(deadlines).toEqual([...deadlines].sort());
    });

    it('sorts by risk, highest first, ties newest first', async () => {
      const scores = (await page({ sort: 'risk', limit: 500 })).cases.map((c) => c.risk!.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('filters by stage, outcome, risk level, rule and customer, together', async () => {
      const all = (await page({ limit: 500 })).cases;
      const expected = all
        .filter((c) => c.stage === 'closed' && c.outcome === 'action_executed' && c.customerId === 'C002')
        .map((c) => c.caseId);
      expect(expected.length).toBeGreaterThan(0);
      expect(await ids({ status: 'closed', outcome: 'action_executed', customerId: 'C002' })).toEqual(
        expected,
      );
      expect(await ids({ status: 'open' })).toEqual(
        all.filter((c) => c.stage !== 'closed').map((c) => c.caseId),
      );
      expect(await ids({ riskLevel: 'critical', rule: 'large_transaction' })).toEqual(
        all
          .filter((c) => c.risk?.level === 'critical' && c.rule === 'large_transaction')
          .map((c) => c.caseId),
      );
    });

    it('finds cases by the start of a customer id or case id, in any case', async () => {
      const c003 = await ids({ q: 'c003' });
      expect(c003.length).toBe(Math.ceil((N - 3) / 7));
      expect(await ids({ q: 'C003-alert-0010' })).toEqual(['case-C003-alert-0010']);
      expect(await ids({ q: 'case-c003-alert-0010' })).toEqual(['case-C003-alert-0010']);
      expect(await ids({ q: 'alert' })).toEqual([]);
      expect(await ids({ q: 'C0_3' })).toEqual([]); // `_` is a character, not a wildcard
    });

    it('pages a filtered, sorted listing without gaps, and refuses a cursor of another sort', async () => {
      const all = await ids({ status: 'open', sort: 'risk' });
      const first = await page({ status: 'open', sort: 'risk', limit: 5 });
      const second = await page({ status: 'open', sort: 'risk', limit: 5, cursor: first.nextCursor });
      expect([...first.cases, ...second.cases].map((c) => c.caseId)).toEqual(all.slice(0, 10));
      await expect(page({ sort: 'deadline', cursor: first.nextCursor })).rejects.toThrow(/cursor/);
      await expect(page({ cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
    });

    it('never lets an older write overwrite a newer one', async () => {
      const caseId = 'case-M1-monotonic';
      const opened = caseStatus({ caseId, customerId: 'M1', stage: 'investigating', deadline: undefined });
      const awaiting = caseStatus({
        caseId,
        customerId: 'M1',
        timeline: [
          ...opened.timeline,
          { at: iso(1), stage: 'awaiting_decision', event: 'awaiting_decision', round: 1 },
        ],
      });
      const closed = caseStatus({
        caseId,
        customerId: 'M1',
        stage: 'closed',
        outcome: 'escalated_timeout',
        deadline: undefined,
        decisions: [decision({ decisionId: 'dec-late', disposition: 'stale' })],
        timeline: [
          ...awaiting.timeline,
          { at: iso(80), stage: 'closed', event: 'escalated_timeout', round: 1 },
        ],
      });
      expect(await store.putCase(recordFromStatus(closed, 'Completed'))).toBe(true);
      // A retried "awaiting decision" and a late round start arrive after the close.
      expect(await store.putCase(recordFromStatus(awaiting, 'Running'))).toBe(false);
      const late = advancedRecord(await store.getCase(caseId), {
        caseId,
        customerId: 'M1',
        rule: 'x',
        stage: 'investigating',
        round: 2,
        at: iso(90),
      });
      expect(await store.putCase(late)).toBe(false);
      expect(await store.putCase(recordFromStatus(closed, 'Completed'))).toBe(true); // idempotent
      const stored = await store.getCase(caseId);
      expect(stored).toMatchObject({ stage: 'closed', outcome: 'escalated_timeout' });
      expect((await ids({ q: 'M1', status: 'closed' })).length).toBe(1);
      expect(await ids({ q: 'M1', status: 'open' })).toEqual([]);
      // The closed snapshot's decisions reached the audit even though the older writes lost.
      expect((await store.audit(caseId)).decisions.map((d) => d.decisionId)).toEqual(['dec-late']);
    });

    it('moves a case to its next round when the round starts, clearing its deadline', async () => {
      const caseId = 'case-R1-rounds';
      await store.putCase(recordFromStatus(caseStatus({ caseId, customerId: 'R1' }), 'Running'));
      expect(await ids({ q: 'R1', status: 'awaiting_decision' })).toEqual([caseId]);
      const next = {
        caseId,
        customerId: 'R1',
        rule: 'large_transaction',
        stage: 'investigating' as const,
        round: 2,
        at: iso(5),
      };
      expect(await store.putCase(advancedRecord(await store.getCase(caseId), next))).toBe(true);
      expect(await ids({ q: 'R1', status: 'awaiting_decision' })).toEqual([]);
      const [c] = (await page({ q: 'R1' })).cases;
      expect(c).toMatchObject({ stage: 'investigating', round: 2, risk: { level: 'high' } });
      expect(c!.deadline).toBeUndefined();
    });

    it('keeps ledger entries by idempotency key and deliveries with their attempts', async () => {
      const caseId = 'case-A1-audit';
      const entry = {
        caseId,
        customerId: 'A1',
        idempotencyKey: `${caseId}:r1:lock_account:lock_account`,
        action: 'lock_account',
        round: 1,
        analyst: 'ana',
        at: iso(2),
        sequence: 1,
      };
      await store.putLedger([entry]);
      await store.putLedger([entry]); // a retried activity
      const failed: DeliveryAudit = {
        caseId,
        idempotencyKey: `${caseId}:r1:lock_account`,
        kind: 'action',
        state: 'failed',
        target: 'bank.example',
        httpStatus: 503,
        error: 'webhook bank.example answered 503',
        attempts: 1,
        firstAttemptAt: iso(2),
        lastAttemptAt: iso(2),
      };
      await store.putDelivery(failed);
      await store.putDelivery({
        ...failed,
        state: 'delivered',
        httpStatus: 200,
        error: undefined,
        firstAttemptAt: iso(3),
        lastAttemptAt: iso(3),
      });
      await store.putDelivery({ ...failed, firstAttemptAt: iso(4), lastAttemptAt: iso(4) }); // a late duplicate
      const audit = await store.audit(caseId);
      expect(audit.ledger).toEqual([entry]);
      expect(audit.deliveries).toEqual([
        expect.objectContaining({
          state: 'delivered',
          httpStatus: 200,
          attempts: 3,
          firstAttemptAt: iso(2),
          lastAttemptAt: iso(4),
        }),
      ]);
      expect(await store.audit('case-none')).toEqual({ decisions: [], ledger: [], deliveries: [] });
    });

    it('keeps a large status whole', async () => {
      const caseId = 'case-L1-large';
      const timeline = Array.from({ length: 100 }, (_, i) => ({
        at: iso(i),
        stage: 'investigating' as const,
        event: 'evidence_added',
        round: 1,
        detail: 'é'.repeat(590),
      }));
      const status = caseStatus({ caseId, customerId: 'L1', timeline });
      await store.putCase(recordFromStatus(status, 'Running'));
      expect((await store.getCase(caseId))?.status).toEqual(status);
    });
  });
}
