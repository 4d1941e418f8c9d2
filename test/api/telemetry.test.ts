import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { TelemetryAcceptedSchema } from '../../src/api/openapi';
import { waitForCase } from '../support/app';
import { authFailures, call, COMPROMISED, expectJsonError, snapshot, startApi, transaction } from './support';

let host: OfflineHost;
beforeAll(async () => {
  host = await startApi({ TELEMETRY_MAX_EVENTS: '50', TELEMETRY_MAX_BYTES: '20000' });
});
afterAll(() => host?.stop());

describe('POST /api/telemetry', () => {
  it('accepts a batch, runs one ingest per customer and reports the alert with the case it opened', async () => {
    const r = await call(host, 'POST', '/api/telemetry', {
      body: { events: [...authFailures('T100', 3), transaction('T101', 20)] },
    });
    expect(r.status, r.text).toBe(202);
    TelemetryAcceptedSchema.parse(r.json);
    expect(r.json).toMatchObject({ accepted: 4, customers: 2, flagged: 1, pending: [], failed: [] });
    expect(r.json.ingestInstanceIds).toEqual([
      expect.stringMatching(/^ingest-T100-[0-9a-f]{16}$/),
      expect.stringMatching(/^ingest-T101-[0-9a-f]{16}$/),
    ]);
    const [alert] = r.json.alerts;
    expect(alert).toMatchObject({
      rule: 'auth_failure_burst',
      customerId: 'T100',
      caseId: expect.stringMatching(/^case-/),
    });
    expect(alert.attachedTo).toBeUndefined();
    expect((await host.engine.getStatus(alert.caseId))?.name).toBe('investigateCase');
  });

  it('answers a retried batch the same way without starting anything new', async () => {
    const body = { events: [...authFailures('T110', 3, 0), transaction('T111', 5)] };
    const first = await call(host, 'POST', '/api/telemetry', { body });
    const before = await snapshot(host);
    const again = await call(host, 'POST', '/api/telemetry', { body: { events: [...body.events] } });
    expect(again.status).toBe(202);
    expect(again.json.ingestInstanceIds).toEqual(first.json.ingestInstanceIds);
    expect(again.json.alerts).toEqual(first.json.alerts);
    expect(await snapshot(host)).toBe(before);
  });

  it('starts one ingest when the same batch arrives twice at once', async () => {
    const body = { events: [transaction('T115', 7), transaction('T115', 8)] };
    const [a, b] = await Promise.all([1, 2].map(() => call(host, 'POST', '/api/telemetry', { body })));
    expect([a?.status, b?.status]).toEqual([202, 202]);
    expect(a?.json.ingestInstanceIds).toEqual(b?.json.ingestInstanceIds);
    const { instances } = await host.engine.query({ instanceIdPrefix: 'ingest-T115-' });
    expect(instances).toHaveLength(1);
  });

  it('attaches a later alert for a customer whose case is still open', async () => {
    // A customer the data shows as compromised: the case waits for an analyst, so it stays open.
    const first = await call(host, 'POST', '/api/telemetry', {
      body: { events: authFailures(COMPROMISED, 3, 0) },
    });
    const caseId = first.json.alerts[0].caseId as string;
    await waitForCase(host, caseId, 'awaiting_decision');
    // Ten minutes later (past the dedup window), another burst while the case is open.
    const later = await call(host, 'POST', '/api/telemetry', {
      body: { events: authFailures(COMPROMISED, 3, 600) },
    });
    expect(later.json.alerts).toEqual([
      expect.objectContaining({ rule: 'auth_failure_burst', caseId, attachedTo: caseId }),
    ]);
  });

  it('ingests nothing when one event of the batch is bad, and names the field', async () => {
    const before = await snapshot(host, ['T130']);
    const events = [
      transaction('T130', 1),
      transaction('T130', 2),
      transaction('T130', 3),
      { ...transaction('T130', 4), amount: 'four' },
    ];
    const r = await call(host, 'POST', '/api/telemetry', { body: { events } });
    expectJsonError(r, 400);
    expect(r.json.details).toEqual([
      { path: 'events[3].amount', message: expect.stringMatching(/expected number/) },
    ]);
    expect(await snapshot(host, ['T130'])).toBe(before);
  });

  it('answers 413 for too many events or too many bytes, declared or not', async () => {
    const before = await snapshot(host);
    expectJsonError(
      await call(host, 'POST', '/api/telemetry', {
        body: { events: Array.from({ length: 51 }, (_, i) => transaction('T140', 1, i)) },
      }),
      413,
    );
    const big = JSON.stringify({ events: [{ ...transaction('T140', 1), merchant: 'x'.repeat(25_000) }] });
    expectJsonError(
      await call(host, 'POST', '/api/telemetry', {
        raw: big,
        headers: { 'content-type': 'application/json' },
      }),
      413,
    );
    // Chunked upload: no Content-Length, the limit still holds on the bytes read.
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(`${host.baseUrl}/api/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': host.functionKey },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await snapshot(host)).toBe(before);
  });

  it('answers 415 unless the body is declared as JSON', async () => {
    const raw = JSON.stringify({ events: [transaction('T150', 1)] });
    expectJsonError(await call(host, 'POST', '/api/telemetry', { raw }), 415);
    expectJsonError(
      await call(host, 'POST', '/api/telemetry', { raw, headers: { 'content-type': 'text/plain' } }),
      415,
    );
    expectJsonError(
      await call(host, 'POST', '/api/telemetry', {
        raw,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
  });
});
