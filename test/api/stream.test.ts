import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { authFailures, call, expectJsonError, startApi, transaction } from './support';

let host: OfflineHost;
beforeAll(async () => {
  host = await startApi();
});
afterAll(() => host?.stop());

interface SseEvent {
  id?: string;
  event?: string;
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
}

/** An open event stream: collects parsed events until asked to stop. */
async function openStream(headers: Record<string, string> = {}, query = '') {
  const controller = new AbortController();
  const res = await fetch(`${host.baseUrl}/api/stream${query}`, {
    headers: { 'x-functions-key': host.functionKey, ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  let raw = '';
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      raw += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = raw.indexOf('\n\n')) >= 0) {
        const block = raw.slice(0, cut);
        raw = raw.slice(cut + 2);
        const e: SseEvent = {};
        for (const line of block.split('\n')) {
          const [k, ...v] = line.split(': ');
          if (k === 'id') e.id = v.join(': ');
          if (k === 'event') e.event = v.join(': ');
          if (k === 'data') e.data = JSON.parse(v.join(': '));
        }
        if (e.event) events.push(e);
      }
    }
  })().catch(() => undefined);
  return {
    res,
    events,
    async until(pred: (es: SseEvent[]) => boolean, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!pred(events)) {
        if (Date.now() > end)
          throw new Error(`stream condition not met; got ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe('GET /api/stream', () => {
  it('streams telemetry and alerts as server-sent events with ids', async () => {
    const s = await openStream();
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await call(host, 'POST', '/api/telemetry', { body: { events: authFailures('S100', 3) } });
    await s.until((es) => es.some((e) => e.event === 'alert' && e.data.customerId === 'S100'));
    const telemetry = s.events.find((e) => e.event === 'telemetry' && e.data.customerId === 'S100');
    expect(telemetry?.data).toMatchObject({
      count: 3,
      counts: { auth_failure: 3 },
      ingestInstanceId: expect.stringMatching(/^ingest-S100-/),
    });
    expect(s.events.every((e) => /^[0-9a-z]+-\d+$/.test(e.id ?? ''))).toBe(true);
    // The HTTP handler and the startCase activity both publish the alert; the stream carries it once.
    await call(host, 'GET', '/api/health', { key: false }); // let any late publisher run
    const alerts = s.events.filter((e) => e.event === 'alert' && e.data.customerId === 'S100');
    expect(alerts).toHaveLength(1);
    await s.close();
  });

  it('resumes after Last-Event-ID without repeating what the client saw', async () => {
    const first = await openStream();
    await call(host, 'POST', '/api/telemetry', { body: { events: [transaction('S200', 5)] } });
    await first.until((es) => es.some((e) => e.data?.customerId === 'S200'));
    const lastId = first.events.at(-1)!.id!;
    await first.close();
    await call(host, 'POST', '/api/telemetry', { body: { events: [transaction('S201', 5)] } });
    const resumed = await openStream({ 'last-event-id': lastId });
    await resumed.until((es) => es.some((e) => e.data?.customerId === 'S201'));
    expect(resumed.events.some((e) => e.data?.customerId === 'S200')).toBe(false);
    expect(resumed.events.some((e) => e.event === 'reset')).toBe(false);
    await resumed.close();
  });

  it('filters by type and rejects unknown types', async () => {
    expectJsonError(await call(host, 'GET', '/api/stream?types=alert,secrets'), 400);
    const s = await openStream({}, '?types=alert');
    await call(host, 'POST', '/api/telemetry', { body: { events: authFailures('S300', 3) } });
    await s.until((es) => es.some((e) => e.data?.customerId === 'S300'));
    expect(s.events.every((e) => e.event === 'alert')).toBe(true);
    await s.close();
  });

  it('carries case stage changes from the orchestration', async () => {
    const s = await openStream({}, '?types=case');
    const r = await call(host, 'POST', '/api/cases', {
      body: { customerId: 'C001', description: 'stream me' },
    });
    await s.until((es) => es.some((e) => e.data?.caseId === r.json.caseId), 20_000);
    await s.close();
  });
});
