import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { startApp, waitForCase } from '../support/app';
import { call, CLEAN, CLEAN_2 } from './support';

/**
 * Where case records live on the offline host: a SQLite file in the host's data directory when it
 * persists (so they survive a restart), memory otherwise; two hosts in one process never share them.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'records-host-'));
const hosts: OfflineHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(opts: { dataDir?: string }) {
  const h = await startApp(opts.dataDir ? { inMemory: false, dataDir: opts.dataDir } : {});
  hosts.push(h);
  return h;
}

async function closedCase(h: OfflineHost, customerId: string): Promise<string> {
  const r = await call(h, 'POST', '/api/cases', { body: { customerId, description: 'check' } });
  await waitForCase(h, r.json.caseId, 'closed');
  return r.json.caseId as string;
}

const listed = async (h: OfflineHost) =>
  ((await call(h, 'GET', '/api/cases')).json.cases as Array<{ caseId: string }>).map((c) => c.caseId);

describe('case records on the offline host', () => {
  it('are kept apart for two hosts in one process, and in the data directory across a restart', async () => {
    const persistent = await start({ dataDir: dir });
    const memory = await start({});
    const [kept, other] = await Promise.all([closedCase(persistent, CLEAN), closedCase(memory, CLEAN_2)]);
    expect(await listed(persistent)).toEqual([kept]);
    expect(await listed(memory)).toEqual([other]);
    expect(existsSync(path.join(dir, 'case-records.sqlite'))).toBe(true);

    await persistent.stop();
    const again = await start({ dataDir: dir });
    // The instance was purged meanwhile (as retention would): the record alone answers.
    await again.engine.purge(kept);
    expect(await listed(again)).toEqual([kept]);
    const r = await call(again, 'GET', `/api/cases/${kept}`);
    expect(r.json).toMatchObject({ source: 'record', stage: 'closed', outcome: 'auto_cleared' });
  }, 60_000);
});
