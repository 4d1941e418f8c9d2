import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../../scripts/offline-host/index.js';
import { resolveSettingExpression } from '../../../scripts/offline-host/server/app-settings.js';
import { parseSchedule } from '../../../scripts/offline-host/server/timer-triggers.js';

const APP = path.join(__dirname, '..', 'fixtures', 'server-app');
const LOG = path.join(mkdtempSync(path.join(os.tmpdir(), 'timer-trigger-')), 'ticks.jsonl');
const ticks = () =>
  existsSync(LOG)
    ? readFileSync(LOG, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { isPastDue: boolean })
    : [];

let host: OfflineHost;

beforeAll(async () => {
  host = await startOfflineHost({
    appDir: APP,
    port: 0,
    inMemory: true,
    clock: 'virtual',
    enableTimerTriggers: true,
    env: { TIMER_LOG_FILE: LOG, TICK_SCHEDULE: '0 */5 * * * *' },
  });
});
afterAll(async () => host?.stop());

describe('timer triggers', () => {
  it('reads six-field NCRONTAB schedules in UTC', () => {
    const next = parseSchedule('30 0 9 * * 1-5');
    expect(new Date(next(Date.parse('2026-11-20T09:00:31Z'))).toISOString()).toBe('2026-11-23T09:00:30.000Z');
    expect(() => parseSchedule('*/5 * * * *')).toThrow(/6 fields/);
  });

  it('names the missing setting when a %SETTING% schedule cannot be resolved', () => {
    expect(() => resolveSettingExpression('%NOT_SET_ANYWHERE%', {})).toThrow(/'NOT_SET_ANYWHERE'/);
  });

  it('fires a timer on demand', async () => {
    const before = ticks().length;
    await host.fireTimer('tick');
    expect(ticks().slice(before)).toEqual([{ isPastDue: false }]);
  });

  it('fires each scheduled occurrence as the virtual clock passes it', async () => {
    const before = ticks().length;
    await host.advance(10 * 60_000);
    expect(ticks().length - before).toBe(2);
  });

  it('runs a timer through the admin API with the master key only', async () => {
    const admin = `${host.baseUrl}/admin/functions/tick`;
    expect(
      (await fetch(admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(401);
    const before = ticks().length;
    const res = await fetch(admin, {
      method: 'POST',
      headers: { 'x-functions-key': host.masterKey, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    await expect.poll(() => ticks().length - before).toBe(1);
  });
});
