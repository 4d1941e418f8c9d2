import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../scripts/offline-host/store/sqlite-store.js';

describe('offline host: SQLite store', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const open = () =>
    new SqliteStore({ dataDir: (dataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'offline-host-store-'))) });
  const message = (seq: number) => ({
    seq,
    kind: 'orchestration',
    target: 'i1',
    visibleAt: 0,
    body: `{"seq":${seq}}`,
  });

  it('rolls back only the unit that failed, keeping earlier units of the same group', () => {
    const store = open();
    store.transaction(() => store.putMessage(message(1)));
    expect(() =>
      store.transaction(() => {
        store.putMessage(message(2));
        throw new Error('decision failed');
      }),
    ).toThrow('decision failed');
    store.transaction(() => store.putMessage(message(3)));
    store.close();

    const reopened = open();
    expect(reopened.loadMessages().map((m) => m.seq)).toEqual([1, 3]);
    reopened.close();
  });

  it('keeps history appended per episode in order across a reopen', () => {
    const store = open();
    store.transaction(() => store.appendHistory('i1', 0, ['{"EventType":12}', '{"EventType":0}']));
    store.transaction(() => store.appendHistory('i1', 2, ['{"EventType":13}']));
    store.flush();
    store.close();

    const reopened = open();
    expect(JSON.parse(`[${reopened.getHistory('i1')}]`)).toEqual([
      { EventType: 12 },
      { EventType: 0 },
      { EventType: 13 },
    ]);
    reopened.close();
  });

  it('refuses a data directory written by another store schema, naming the fix', () => {
    const store = open();
    store.close();
    const db = new DatabaseSync(path.join(dataDir!, 'durable.sqlite'));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schemaVersion'").run();
    db.close();

    expect(() => open()).toThrow(/schema 99.*new --data directory/);
  });
});
