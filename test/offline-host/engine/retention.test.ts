import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, retentionFromSettings } from '../../../scripts/offline-host/engine/retention.js';
import { SqliteStore } from '../../../scripts/offline-host/store/sqlite-store.js';
import { DAY, HOUR, shape, startHost, type Host } from './harness.js';

const policy = (completed: number, failed = completed, terminated = completed) => ({
  Completed: completed,
  Failed: failed,
  Terminated: terminated,
});

describe('offline engine: retention and bounded memory', () => {
  let host: Host | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });
  const newDataDir = () => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-host-retention-')));

  it('purges finished instances once their status has been kept for its period, never running ones', async () => {
    newDataDir();
    host = await startHost('failure', {
      store: { dataDir: dataDir! },
      retention: policy(1 * DAY, 3 * DAY),
      retentionSweepMs: HOUR,
    });
    const { engine, clock } = host;
    const done = await engine.startNew('catching');
    const failed = await engine.startNew('failing');
    await engine.idle();
    expect((await engine.getStatus(done))?.runtimeStatus).toBe('Completed');
    expect((await engine.getStatus(failed))?.runtimeStatus).toBe('Failed');

    await clock.advance(1 * DAY + 2 * HOUR);
    expect(await engine.getStatus(done)).toBeUndefined();
    expect(engine.getHistory(done)).toBeUndefined();
    expect((await engine.getStatus(failed))?.runtimeStatus).toBe('Failed');

    await clock.advance(2 * DAY);
    expect(await engine.getStatus(failed)).toBeUndefined();
    expect((await engine.query({})).instances).toEqual([]);
  });

  it('keeps a waiting instance however old it is, and counts a finished one from when it finished', async () => {
    host = await startHost('waiting', { retention: policy(1 * DAY), retentionSweepMs: HOUR });
    const { engine, clock } = host;
    const id = await engine.startNew('waitForGo');
    await engine.idle();
    await clock.advance(10 * DAY);
    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Running');

    await engine.raiseEvent(id, 'go', 1);
    await engine.idle();
    await clock.advance(20 * HOUR);
    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Completed');
    await clock.advance(6 * HOUR);
    expect(await engine.getStatus(id)).toBeUndefined();
  });

  it('keeps no finished history in memory, reads it back from disk, and bounds the cached records', async () => {
    newDataDir();
    host = await startHost('chain', {
      store: { dataDir: dataDir! },
      memoryBudget: { records: 64 * 1024, histories: 64 * 1024, entities: 64 * 1024 },
    });
    const { engine } = host;
    const ids = await Promise.all(Array.from({ length: 300 }, () => engine.startNew('helloCities')));
    await engine.idle();
    const memory = engine.memory();
    expect(memory.histories.entries).toBe(0);
    expect(memory.records.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(memory.records.entries).toBeLessThan(300);

    // Everything is still there, from disk.
    const first = await engine.getStatus(ids[0]!, { showHistory: true });
    expect(first?.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    expect(first?.history?.length).toBeGreaterThan(0);
    expect(shape(engine.getHistory(ids[0]!))).toContain('ExecutionCompleted');
    expect((await engine.query({ runtimeStatus: ['Completed'] })).instances).toHaveLength(300);
    expect(engine.memory().histories.entries).toBe(0);
  });

  it('runs waiting instances whose state was dropped from memory, reading it back when their event comes', async () => {
    newDataDir();
    host = await startHost('waiting', {
      store: { dataDir: dataDir! },
      memoryBudget: { records: 4 * 1024, histories: 4 * 1024, entities: 4 * 1024 },
    });
    const { engine } = host;
    const ids = await Promise.all(Array.from({ length: 100 }, () => engine.startNew('waitForGo')));
    await engine.idle();
    expect(engine.memory().records.entries).toBeLessThan(100);
    for (const [i, id] of ids.entries()) await engine.raiseEvent(id, 'go', i);
    await engine.idle();
    const statuses = await Promise.all(ids.map((id) => engine.getStatus(id)));
    expect(statuses.map((s) => s?.output)).toEqual(ids.map((_, i) => ({ go: i })));
  });

  it('restarts without loading finished instances: only pending work comes back into memory', async () => {
    newDataDir();
    host = await startHost('chain', { store: { dataDir: dataDir! } });
    await Promise.all(Array.from({ length: 200 }, () => host!.engine.startNew('helloCities')));
    await host.engine.idle();
    await host.engine.stop();
    host = await startHost('waiting', { store: { dataDir: dataDir! }, clock: host.clock });
    const pending = await host.engine.startNew('waitForGo', { instanceId: 'still-waiting' });
    await host.engine.idle();
    await host.engine.stop();

    host = await startHost('waiting', { store: { dataDir: dataDir! }, clock: host.clock });
    const memory = host.engine.memory();
    expect(memory.records.entries).toBe(0);
    expect(memory.histories.entries).toBe(0);
    expect((await host.engine.query({ runtimeStatus: ['Completed'] })).instances).toHaveLength(200);
    await host.engine.raiseEvent(pending, 'go', 'later');
    await host.engine.idle();
    expect((await host.engine.getStatus(pending))?.output).toEqual({ go: 'later' });
  });

  it('drops cancelled timers from memory instead of holding them until they would have fired', async () => {
    host = await startHost('race');
    const { engine } = host;
    const ids = await Promise.all(Array.from({ length: 200 }, () => engine.startNew('approval')));
    await engine.idle();
    expect(engine.memory().timers).toBe(200);
    for (const id of ids) await engine.raiseEvent(id, 'approval', { approved: true });
    await engine.idle();
    expect(engine.memory().timers).toBeLessThanOrEqual(64);
  });
});

describe('retention settings', () => {
  it('default to the scheduler’s 30 days for every terminal status', () => {
    expect(retentionFromSettings({})).toEqual(policy(30 * DAY_MS));
  });

  it('take one period for all and overrides per status, in days (fractions allowed offline)', () => {
    expect(
      retentionFromSettings({
        DTS_RETENTION_DAYS: '7',
        DTS_RETENTION_FAILED_DAYS: '90',
        DTS_RETENTION_TERMINATED_DAYS: '0.5',
      }),
    ).toEqual(policy(7 * DAY_MS, 90 * DAY_MS, 0.5 * DAY_MS));
  });

  it.each(['0', '-1', '91', 'thirty'])('refuse %s days, naming the setting and the limit', (value) => {
    expect(() => retentionFromSettings({ DTS_RETENTION_COMPLETED_DAYS: value })).toThrow(
      /DTS_RETENTION_COMPLETED_DAYS must be a number of days above 0 and at most 90/,
    );
  });
});

describe('SQLite store schema 1', () => {
  it('is migrated in place: instance columns filled from the records, queries and retention work', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-host-schema1-'));
    try {
      const db = new DatabaseSync(path.join(dir, 'durable.sqlite'));
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schemaVersion', '1');
        CREATE TABLE instances (id TEXT PRIMARY KEY, record TEXT NOT NULL);
        CREATE TABLE entities (id TEXT PRIMARY KEY, state TEXT);
      `);
      const record = (id: string, status: string, at: number) =>
        JSON.stringify({ v: 1, id, name: 'orch', status, createdAt: at, updatedAt: at + 10 });
      db.prepare('INSERT INTO instances VALUES (?, ?)').run(
        'old-done',
        record('old-done', 'Completed', 1000),
      );
      db.prepare('INSERT INTO instances VALUES (?, ?)').run('old-run', record('old-run', 'Running', 2000));
      db.close();

      const store = new SqliteStore({ dataDir: dir });
      expect(store.queryInstances({ statuses: ['Running'], offset: 0, limit: -1 })).toHaveLength(1);
      expect(store.queryInstances({ createdFrom: 1500, offset: 0, limit: -1 })).toHaveLength(1);
      expect(store.expiredInstances('Completed', 5000, 10)).toEqual(['old-done']);
      expect(store.expiredInstances('Completed', 1005, 10)).toEqual([]);
      store.close();
      const reopened = new DatabaseSync(path.join(dir, 'durable.sqlite'));
      expect(reopened.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get()).toEqual({
        value: '2',
      });
      reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
