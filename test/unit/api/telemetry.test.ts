import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors';
import { alertsOf, parseTelemetryBatch, planIngest, telemetryAccepted } from '../../../src/api/telemetry';
import type { TelemetryEvent } from '../../../src/detection/schema';

const at = '2026-11-22T10:00:00Z';
const tx = (customerId: string, amount: unknown = 10): Record<string, unknown> => ({
  type: 'transaction',
  customerId,
  timestamp: at,
  amount,
  merchant: 'Contoso',
});

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('telemetry batches', () => {
  it('accepts a valid batch of every event type', () => {
    const events = [
      { type: 'login', customerId: 'C1', timestamp: at, country: 'US', ip: '10.0.0.1', success: true },
      tx('C1'),
      { type: 'data_usage', customerId: 'C2', timestamp: at, mb: 12.5 },
      { type: 'api_call', customerId: 'C2', timestamp: at, endpoint: '/v1/x' },
      { type: 'auth_failure', customerId: 'C3', timestamp: '2026-11-22T10:00:00.123+02:00' },
    ];
    expect(parseTelemetryBatch({ events }, 10)).toHaveLength(5);
  });

  it('refuses events dated more than a day ahead, which would anchor the rules windows in the future', () => {
    const now = Date.parse('2026-03-31T00:00:00Z');
    const ahead = { ...tx('C1'), timestamp: '2026-04-02T00:00:00Z' };
    const earlier = { ...tx('C1'), timestamp: '2026-03-30T12:00:00Z' };
    const e = apiError(() => parseTelemetryBatch({ events: [earlier, ahead] }, 10, now));
    expect(e.status).toBe(400);
    expect(e.details).toEqual([{ path: 'events[1].timestamp', message: 'more than 24 h in the future' }]);
    expect(
      parseTelemetryBatch({ events: [{ ...tx('C1'), timestamp: '2026-03-31T23:00:00Z' }] }, 10, now),
    ).toHaveLength(1);
  });

  it('names the bad field of the bad event, and all of them', () => {
    const e = apiError(() =>
      parseTelemetryBatch({ events: [tx('C1'), tx('C1'), tx('C1'), tx('C1', '12')] }, 10),
    );
    expect(e.status).toBe(400);
    expect(e.details).toEqual([
      { path: 'events[3].amount', message: expect.stringMatching(/expected number/) },
    ]);
    expect(e.message).toMatch(/events\[3\]\.amount/);
    const many = apiError(() =>
      parseTelemetryBatch(
        {
          events: [
            { ...tx('C1'), extra: 1 },
            { type: 'teleport', customerId: 'C1', timestamp: at },
          ],
        },
        10,
      ),
    );
    expect(many.details).toEqual([
      { path: 'events[0].extra', message: 'unknown field' },
      { path: 'events[1].type', message: expect.stringMatching(/Invalid discriminator/) },
    ]);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'events'],
    ['no events', {}],
    ['empty events', { events: [] }],
    ['events not an array', { events: {} }],
    ['unknown top-level field', { events: [tx('C1')], extra: true }],
  ])('rejects %s with 400', (_n, body) => {
    expect(apiError(() => parseTelemetryBatch(body, 10)).status).toBe(400);
  });

  it('checks the count limit (413) before validating any event', () => {
    const e = apiError(() =>
      parseTelemetryBatch({ events: Array.from({ length: 11 }, () => ({ junk: true })) }, 10),
    );
    expect(e.status).toBe(413);
    expect(e.details).toEqual({ limit: 10, count: 11 });
    expect(parseTelemetryBatch({ events: Array.from({ length: 10 }, () => tx('C1')) }, 10)).toHaveLength(10);
  });

  it('groups by customer in first-seen order with one instance id per group', () => {
    const events = [tx('B'), tx('A', 1), tx('B', 2)] as TelemetryEvent[];
    const plans = planIngest(events, at);
    expect(plans.map((p) => [p.input.customerId, p.input.events.length])).toEqual([
      ['B', 2],
      ['A', 1],
    ]);
    expect(plans[0]?.instanceId).toMatch(/^ingest-B-[0-9a-f]{16}$/);
    expect(planIngest(events, '2030-01-01T00:00:00Z').map((p) => p.instanceId)).toEqual(
      plans.map((p) => p.instanceId),
    );
  });

  it('reports alerts with the case they opened or joined, and pending/failed ingests', () => {
    const alert = { alertId: 'a1', rule: 'large_transaction', severity: 'high', customerId: 'A' };
    expect(alertsOf({ alerts: [alert], caseId: 'case-a1' })).toEqual([{ ...alert, caseId: 'case-a1' }]);
    expect(alertsOf({ alerts: [alert], attachedToCaseId: 'case-x' })).toEqual([
      { ...alert, caseId: 'case-x', attachedTo: 'case-x' },
    ]);
    expect(alertsOf('garbage')).toEqual([]);
    const plans = planIngest([tx('A'), tx('B'), tx('C')] as TelemetryEvent[], at);
    const [a, b, c] = plans.map((p) => p.instanceId) as [string, string, string];
    const r = telemetryAccepted(
      3,
      plans,
      new Map([
        [a, { runtimeStatus: 'Completed', output: { alerts: [alert], caseId: 'case-a1' } }],
        [b, { runtimeStatus: 'Failed', output: 'boom' }],
      ]),
    );
    expect(r).toMatchObject({
      accepted: 3,
      customers: 3,
      flagged: 1,
      pending: [c],
      failed: [b],
      ingestInstanceIds: [a, b, c],
    });
  });
});
