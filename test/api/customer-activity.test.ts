import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { CustomerActivitySchema } from '../../src/api/openapi';
import { eventually } from '../support/app';
import { call, expectJsonError, startApi } from './support';

/**
 * GET /api/customers/{customerId}/activity over real HTTP: the shipped history (anchored so it ends
 * yesterday) and the live events the ingest kept in the live account record, on one timeline.
 */
let host: OfflineHost;
beforeAll(async () => {
  host = await startApi();
});
afterAll(() => host?.stop());

const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

describe('GET /api/customers/{customerId}/activity', () => {
  it('shows the live events an ingest kept, newest first and marked live, above the anchored history', async () => {
    const events = [
      {
        type: 'login',
        customerId: 'C002',
        timestamp: recent(30),
        country: 'GB',
        ip: '81.2.69.160',
        success: true,
      },
      { type: 'auth_failure', customerId: 'C002', timestamp: recent(20), country: 'NG', ip: '41.58.1.2' },
      { type: 'transaction', customerId: 'C002', timestamp: recent(10), amount: 42.5, merchant: 'FreshMart' },
    ];
    expect((await call(host, 'POST', '/api/telemetry', { body: { events } })).status).toBe(202);
    const page = await eventually(
      () => call(host, 'GET', '/api/customers/c002/activity?limit=5'),
      (r) => r.json?.liveRecord?.events === 3,
    );
    expect(page.status).toBe(200);
    CustomerActivitySchema.parse(page.json);
    expect(page.json.customerId).toBe('C002');
    expect(
      page.json.items.slice(0, 3).map((i: { source: string; type: string }) => [i.source, i.type]),
    ).toEqual([
      ['live', 'transaction'],
      ['live', 'auth_failure'],
      ['live', 'login'],
    ]);
    const history = page.json.items.slice(3);
    expect(history.every((i: { source: string }) => i.source === 'history')).toBe(true);
    // The history ends yesterday: no gap of months between it and the live events.
    expect(Date.now() - Date.parse(history[0].at)).toBeLessThan(3 * 86_400_000);
    expect(page.json.nextBefore).toBe(page.json.items[4].at);
  });

  it('pages back with nextBefore and filters by source and type', async () => {
    const first = await call(host, 'GET', '/api/customers/C002/activity?limit=10');
    const next = await call(
      host,
      'GET',
      `/api/customers/C002/activity?limit=10&before=${encodeURIComponent(first.json.nextBefore)}`,
    );
    expect(next.status).toBe(200);
    expect(next.json.items[0].at < first.json.items.at(-1).at).toBe(true);
    const live = await call(host, 'GET', '/api/customers/C002/activity?source=live&types=auth_failure,login');
    expect(live.json.items.map((i: { type: string }) => i.type)).toEqual(['auth_failure', 'login']);
  });

  it('serves a customer the dataset does not know once it has live events, and 404s one with neither', async () => {
    const events = [{ type: 'api_call', customerId: 'EXT-7', timestamp: recent(5), endpoint: '/v1/balance' }];
    await call(host, 'POST', '/api/telemetry', { body: { events } });
    const r = await eventually(
      () => call(host, 'GET', '/api/customers/EXT-7/activity'),
      (x) => x.status === 200,
    );
    expect(r.json.items).toEqual([
      expect.objectContaining({ source: 'live', type: 'api_call', endpoint: '/v1/balance' }),
    ]);
    expectJsonError(await call(host, 'GET', '/api/customers/NOBODY-1/activity'), 404);
  });

  it('names a bad query parameter with a 400 and needs the function key', async () => {
    const bad = await call(host, 'GET', '/api/customers/C002/activity?limit=0&types=logins');
    expectJsonError(bad, 400);
    expect(bad.json.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'types']);
    expectJsonError(await call(host, 'GET', '/api/customers/C002/activity?colour=red'), 400);
    expect((await call(host, 'GET', '/api/customers/C002/activity', { key: false })).status).toBe(401);
  });
});
