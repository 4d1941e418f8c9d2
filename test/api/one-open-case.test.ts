import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { authFailures, call, CLEAN, COMPROMISED_ALL, expectJsonError, startApi } from './support';

/**
 * Issue 10 item 2: one open case per customer on every path — manual, detected, retried — decided by the
 * customerProfile entity alone (src/cases/routing.ts), over real HTTP on the offline host. Customers the
 * data shows as compromised, so a case stays open (waiting for the analyst) while the race is played.
 */
let host: OfflineHost;
beforeAll(async () => {
  host = await startApi();
});
afterAll(() => host?.stop());

const [MANY, RACE_1, RACE_2] = COMPROMISED_ALL as [string, string, string];
const RETRIED = CLEAN;

/** The investigateCase instances of a customer (only those not completed, with `open`). */
async function casesOf(customerId: string, open = true): Promise<string[]> {
  await host.engine.idle();
  const { instances } = await host.engine.query({ instanceIdPrefix: 'case-', showInput: true });
  return instances
    .filter((i) => (i.input as { customerId?: string } | undefined)?.customerId === customerId)
    .filter((i) => !open || i.runtimeStatus === 'Running' || i.runtimeStatus === 'Pending')
    .map((i) => i.instanceId);
}

describe('one open case per customer', () => {
  it('opens one case for 20 concurrent manual opens; the 19 others get a JSON 409 naming it', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(host, 'POST', '/api/cases', {
          body: { customerId: MANY, description: `report ${i} from the phone line` },
        }),
      ),
    );
    const opened = replies.filter((r) => r.status === 202);
    expect(opened, replies.map((r) => `${r.status} ${r.text}`).join('\n')).toHaveLength(1);
    const caseId = opened[0]!.json.caseId as string;
    expect(opened[0]!.json.created).toBe(true);
    const refused = replies.filter((r) => r.status !== 202);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expectJsonError(r, 409);
      expect(r.json.error).toContain(MANY);
      expect(r.json.details).toMatchObject({ openCaseId: caseId });
    }
    expect(await casesOf(MANY)).toEqual([caseId]);
    const profile = await host.engine.readEntityState('customerProfile', MANY);
    expect((profile.state as { openCaseId: string }).openCaseId).toBe(caseId);
  }, 60_000);

  it.each([RACE_1, RACE_2])(
    'leaves one open case when a manual open races a detected alert (%s), and both replies name it',
    async (customerId) => {
      const [manual, detected] = await Promise.all([
        call(host, 'POST', '/api/cases', { body: { customerId, description: 'customer called in' } }),
        call(host, 'POST', '/api/telemetry', { body: { events: authFailures(customerId, 3) } }),
      ]);
      expect(detected.status, detected.text).toBe(202);
      const alert = detected.json.alerts[0] as { caseId: string; attachedTo?: string };
      const open = await casesOf(customerId);
      expect(open).toHaveLength(1);
      if (manual.status === 202) {
        // The manual open came first: the detected alert joined its case.
        expect(alert).toMatchObject({ caseId: manual.json.caseId, attachedTo: manual.json.caseId });
        expect(open).toEqual([manual.json.caseId]);
      } else {
        expectJsonError(manual, 409);
        expect(manual.json.details.openCaseId).toBe(alert.caseId);
        expect(open).toEqual([alert.caseId]);
      }
    },
    60_000,
  );

  it('starts one case when a start is retried: the same request twice, and the start activity run twice', async () => {
    const body = { customerId: RETRIED, description: 'retried by a flaky client', requestId: 'flaky-1' };
    const [a, b] = await Promise.all([1, 2].map(() => call(host, 'POST', '/api/cases', { body })));
    expect([a!.status, b!.status]).toEqual([202, 202]);
    expect(b!.json.caseId).toBe(a!.json.caseId);
    const caseId = a!.json.caseId as string;
    expect([a!.json.created, b!.json.created].filter(Boolean)).toHaveLength(1);

    // The profile's decision carried out again, twice at once, as a retried activity would.
    const { input } = (await host.engine.getStatus(caseId, { showInput: true }))! as {
      input: { alert: object };
    };
    const again = {
      customerId: RETRIED,
      startCase: { caseId, alert: input.alert, manual: { analyst: 'x' } },
    };
    const runs = await Promise.all(
      [1, 2].map((n) => host.invoker.invokeActivity('startCase', again, `retry-${n}`)),
    );
    expect(runs).toEqual([{ started: [] }, { started: [] }]);
    expect(await casesOf(RETRIED, false)).toEqual([caseId]);
  }, 60_000);
});
