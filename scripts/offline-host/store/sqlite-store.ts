/**
 * The engine's durable state in one SQLite database (node:sqlite, WAL). The engine keeps a full
 * in-memory mirror and writes through: every state change is one unit (`transaction(fn)`), so an
 * episode's (or one activity result's) outcome is all-or-nothing.
 *
 * Group commit: units within one event-loop turn share a SQLite transaction (each unit is a
 * SAVEPOINT), committed on the next turn or by flush(). A crash loses at most the last turn's units,
 * each whole; callers that promise durability to a client (startNew, raiseEvent…) flush first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export const STORE_SCHEMA_VERSION = 1;

export interface InstanceRow {
  id: string;
  /** The engine's per-instance record (status, input, output, action bookkeeping) as JSON. */
  record: string;
}
export interface MessageRow {
  seq: number;
  /** 'orchestration' | 'entity' | 'activity' */
  kind: string;
  target: string;
  visibleAt: number;
  body: string;
}
export interface EntityRow {
  id: string;
  state: string | null;
  /** When its last operation batch committed (ms); null in stores written before it was kept. */
  updatedAt: number | null;
}

/** What the engine needs from a store (the in-memory mode needs nothing: see NullStore). */
export interface Store {
  transaction<T>(fn: () => T): T;
  /** Makes every unit so far durable. */
  flush(): void;
  putInstance(id: string, record: string): void;
  deleteInstance(id: string): void;
  /** One episode's events (JSON texts) appended after `fromIndex` events. */
  appendHistory(id: string, fromIndex: number, events: readonly string[]): void;
  clearHistory(id: string): void;
  putMessage(m: MessageRow): void;
  deleteMessage(seq: number): void;
  putEntity(id: string, state: string | null, updatedAt: number): void;
  deleteEntity(id: string): void;
  loadInstances(): InstanceRow[];
  loadHistory(): Map<string, string[]>;
  loadMessages(): MessageRow[];
  loadEntities(): EntityRow[];
  close(): void;
}

/** In-memory mode: the engine's own maps are the state, so there is nothing to write. */
export class NullStore implements Store {
  transaction<T>(fn: () => T): T {
    return fn();
  }
  flush(): void {}
  putInstance(): void {}
  deleteInstance(): void {}
  appendHistory(): void {}
  clearHistory(): void {}
  putMessage(): void {}
  deleteMessage(): void {}
  putEntity(): void {}
  deleteEntity(): void {}
  loadInstances(): InstanceRow[] {
    return [];
  }
  loadHistory(): Map<string, string[]> {
    return new Map();
  }
  loadMessages(): MessageRow[] {
    return [];
  }
  loadEntities(): EntityRow[] {
    return [];
  }
  close(): void {}
}

export class SqliteStore implements Store {
  private readonly db: DatabaseSync;
  private readonly stmts: Record<string, StatementSync>;
  private depth = 0;
  private groupOpen = false;

  constructor(location: ':memory:' | { dataDir: string }) {
    let file = ':memory:';
    if (location !== ':memory:') {
      fs.mkdirSync(location.dataDir, { recursive: true });
      file = path.join(location.dataDir, 'durable.sqlite');
    }
    this.db = new DatabaseSync(file);
    if (file !== ':memory:') {
      this.db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode survives a process crash (SIGKILL); only an OS crash may lose the last commits.
      this.db.exec('PRAGMA synchronous = NORMAL');
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS instances (id TEXT PRIMARY KEY, record TEXT NOT NULL);
      -- One row per episode: idx is the index of its first event, events a JSON array.
      CREATE TABLE IF NOT EXISTS history (instance_id TEXT NOT NULL, idx INTEGER NOT NULL, events TEXT NOT NULL,
        PRIMARY KEY (instance_id, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL,
        visible_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS messages_by_target ON messages (target);
      CREATE TABLE IF NOT EXISTS entities (id TEXT PRIMARY KEY, state TEXT);
    `);
    // Entity listings filter on the last operation time (added after schema 1 shipped; older stores lack it).
    const entityColumns = this.db.prepare('PRAGMA table_info(entities)').all() as Array<{ name: string }>;
    if (!entityColumns.some((c) => c.name === 'updated_at'))
      this.db.exec('ALTER TABLE entities ADD COLUMN updated_at INTEGER');
    const version = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schemaVersion') as
      { value: string } | undefined;
    if (!version) {
      this.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
        .run('schemaVersion', String(STORE_SCHEMA_VERSION));
    } else if (Number(version.value) !== STORE_SCHEMA_VERSION) {
      throw new Error(
        `The data directory holds store schema ${version.value}; this host reads ${STORE_SCHEMA_VERSION}. Use a new --data directory.`,
      );
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      putInstance: p('INSERT OR REPLACE INTO instances (id, record) VALUES (?, ?)'),
      deleteInstance: p('DELETE FROM instances WHERE id = ?'),
      appendHistory: p('INSERT INTO history (instance_id, idx, events) VALUES (?, ?, ?)'),
      clearHistory: p('DELETE FROM history WHERE instance_id = ?'),
      putMessage: p('INSERT INTO messages (seq, kind, target, visible_at, body) VALUES (?, ?, ?, ?, ?)'),
      deleteMessage: p('DELETE FROM messages WHERE seq = ?'),
      deleteMessagesOf: p('DELETE FROM messages WHERE target = ?'),
      putEntity: p('INSERT OR REPLACE INTO entities (id, state, updated_at) VALUES (?, ?, ?)'),
      deleteEntity: p('DELETE FROM entities WHERE id = ?'),
      begin: p('BEGIN'),
      commit: p('COMMIT'),
      savepoint: p('SAVEPOINT unit'),
      release: p('RELEASE unit'),
      rollbackUnit: p('ROLLBACK TO unit'),
    };
  }

  /** Runs `fn` as one all-or-nothing unit (nested calls join the outer unit). */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    if (!this.groupOpen) {
      this.stmts.begin!.run();
      this.groupOpen = true;
      setImmediate(() => this.flush());
    }
    this.stmts.savepoint!.run();
    this.depth++;
    try {
      const result = fn();
      this.stmts.release!.run();
      return result;
    } catch (err) {
      this.stmts.rollbackUnit!.run();
      this.stmts.release!.run();
      throw err;
    } finally {
      this.depth--;
    }
  }

  flush(): void {
    if (!this.groupOpen || !this.db.isOpen) return;
    this.groupOpen = false;
    this.stmts.commit!.run();
  }

  putInstance(id: string, record: string): void {
    this.stmts.putInstance!.run(id, record);
  }
  deleteInstance(id: string): void {
    this.stmts.deleteInstance!.run(id);
    this.stmts.clearHistory!.run(id);
    this.stmts.deleteMessagesOf!.run(id);
  }
  appendHistory(id: string, fromIndex: number, events: readonly string[]): void {
    if (events.length > 0) this.stmts.appendHistory!.run(id, fromIndex, `[${events.join(',')}]`);
  }
  clearHistory(id: string): void {
    this.stmts.clearHistory!.run(id);
  }
  putMessage(m: MessageRow): void {
    this.stmts.putMessage!.run(m.seq, m.kind, m.target, m.visibleAt, m.body);
  }
  deleteMessage(seq: number): void {
    this.stmts.deleteMessage!.run(seq);
  }
  putEntity(id: string, state: string | null, updatedAt: number): void {
    this.stmts.putEntity!.run(id, state, updatedAt);
  }
  deleteEntity(id: string): void {
    this.stmts.deleteEntity!.run(id);
  }

  loadInstances(): InstanceRow[] {
    return this.db.prepare('SELECT id, record FROM instances').all() as unknown as InstanceRow[];
  }
  loadHistory(): Map<string, string[]> {
    const rows = this.db
      .prepare('SELECT instance_id, events FROM history ORDER BY instance_id, idx')
      .all() as Array<{
      instance_id: string;
      events: string;
    }>;
    const byInstance = new Map<string, string[]>();
    for (const row of rows) {
      const list = byInstance.get(row.instance_id) ?? [];
      for (const event of JSON.parse(row.events) as unknown[]) list.push(JSON.stringify(event));
      byInstance.set(row.instance_id, list);
    }
    return byInstance;
  }
  loadMessages(): MessageRow[] {
    return this.db
      .prepare('SELECT seq, kind, target, visible_at AS visibleAt, body FROM messages ORDER BY seq')
      .all() as unknown as MessageRow[];
  }
  loadEntities(): EntityRow[] {
    return this.db
      .prepare('SELECT id, state, updated_at AS updatedAt FROM entities')
      .all() as unknown as EntityRow[];
  }

  close(): void {
    this.flush();
    if (this.db.isOpen) this.db.close();
  }
}
