/**
 * The engine's durable state in one SQLite database (node:sqlite, WAL). The store is the source of
 * truth; the engine keeps in memory only what running work needs (state-cache.ts) and reads the rest
 * back on demand, so a finished instance costs disk, not memory. Every state change is one unit
 * (`transaction(fn)`), so an episode's (or one activity result's) outcome is all-or-nothing.
 *
 * Group commit: units within one event-loop turn share a SQLite transaction (each unit is a
 * SAVEPOINT), committed on the next turn or by flush(). A crash loses at most the last turn's units,
 * each whole; callers that promise durability to a client (startNew, raiseEvent…) flush first. Reads go
 * through the same connection, so they see units not yet committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** 2: instances carry name, status and times as columns (queries and retention without parsing records). */
export const STORE_SCHEMA_VERSION = 2;

/** The columns of an instance row besides its JSON record. */
export interface InstanceMeta {
  id: string;
  name: string;
  status: string;
  createdAt: number;
  updatedAt: number;
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

export interface InstanceFilter {
  statuses?: readonly string[];
  createdFrom?: number;
  createdTo?: number;
  idPrefix?: string;
  offset: number;
  limit: number;
}

export interface EntityFilter {
  /** Entity ids start with it (`@name@`, or `@` for all). */
  idPrefix: string;
  updatedFrom?: number;
  updatedTo?: number;
  offset: number;
  limit: number;
}

/** What the engine needs from a store. */
export interface Store {
  /** False for the in-memory mode: nothing can be read back, so the engine keeps everything itself. */
  readonly persistent: boolean;
  transaction<T>(fn: () => T): T;
  /** Makes every unit so far durable. */
  flush(): void;
  putInstance(meta: InstanceMeta, record: string): void;
  /** The instance, its history and its pending messages. */
  deleteInstance(id: string): void;
  /** One episode's events (JSON texts) appended after `fromIndex` events. */
  appendHistory(id: string, fromIndex: number, events: readonly string[]): void;
  clearHistory(id: string): void;
  putMessage(m: MessageRow): void;
  deleteMessage(seq: number): void;
  putEntity(id: string, state: string | null, updatedAt: number): void;
  deleteEntity(id: string): void;
  getInstance(id: string): string | undefined;
  /** The history's events as JSON texts joined by commas (what a JSON array holds between its brackets). */
  getHistory(id: string): string | undefined;
  /** Records (JSON) matching the filter, oldest created first (ties by id). */
  queryInstances(filter: InstanceFilter): string[];
  /** Ids of instances in `status` last updated before `before`, oldest first. */
  expiredInstances(status: string, before: number, limit: number): string[];
  getEntity(id: string): EntityRow | undefined;
  queryEntities(filter: EntityFilter): EntityRow[];
  loadMessages(): MessageRow[];
  close(): void;
}

/** In-memory mode: the engine's own maps are the state, so there is nothing to write or read back. */
export class NullStore implements Store {
  readonly persistent = false;
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
  getInstance(): undefined {
    return undefined;
  }
  getHistory(): undefined {
    return undefined;
  }
  queryInstances(): string[] {
    return [];
  }
  expiredInstances(): string[] {
    return [];
  }
  getEntity(): undefined {
    return undefined;
  }
  queryEntities(): EntityRow[] {
    return [];
  }
  loadMessages(): MessageRow[] {
    return [];
  }
  close(): void {}
}

export class SqliteStore implements Store {
  readonly persistent = true;
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
    const version = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schemaVersion') as
      { value: string } | undefined;
    const found = version ? Number(version.value) : STORE_SCHEMA_VERSION;
    if (found !== 1 && found !== STORE_SCHEMA_VERSION) {
      throw new Error(
        `The data directory holds store schema ${version?.value}; this host reads ${STORE_SCHEMA_VERSION}. Use a new --data directory.`,
      );
    }
    this.migrate();
    this.db
      .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
      .run('schemaVersion', String(STORE_SCHEMA_VERSION));
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      putInstance: p(
        'INSERT OR REPLACE INTO instances (id, record, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getInstance: p('SELECT record FROM instances WHERE id = ?'),
      getHistory: p('SELECT events FROM history WHERE instance_id = ? ORDER BY idx'),
      expired: p('SELECT id FROM instances WHERE status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?'),
      getEntity: p('SELECT id, state, updated_at AS updatedAt FROM entities WHERE id = ?'),
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

  /** Brings a schema-1 store (or one from before entity times were kept) up to date, in place. */
  private migrate(): void {
    const columns = (table: string) =>
      new Set(
        (this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name),
      );
    if (!columns('entities').has('updated_at'))
      this.db.exec('ALTER TABLE entities ADD COLUMN updated_at INTEGER');
    if (!columns('instances').has('status')) {
      this.db.exec(`
        BEGIN;
        ALTER TABLE instances ADD COLUMN name TEXT NOT NULL DEFAULT '';
        ALTER TABLE instances ADD COLUMN status TEXT NOT NULL DEFAULT '';
        ALTER TABLE instances ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE instances ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
        UPDATE instances SET name = json_extract(record, '$.name'), status = json_extract(record, '$.status'),
          created_at = json_extract(record, '$.createdAt'), updated_at = json_extract(record, '$.updatedAt');
        COMMIT;
      `);
    }
    this.db.exec(`
      CREATE INDEX IF NOT EXISTS instances_by_created ON instances (created_at, id);
      CREATE INDEX IF NOT EXISTS instances_by_status ON instances (status, updated_at);
      CREATE INDEX IF NOT EXISTS entities_by_updated ON entities (updated_at);
    `);
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

  putInstance(meta: InstanceMeta, record: string): void {
    this.stmts.putInstance!.run(meta.id, record, meta.name, meta.status, meta.createdAt, meta.updatedAt);
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

  getInstance(id: string): string | undefined {
    return (this.stmts.getInstance!.get(id) as { record: string } | undefined)?.record;
  }
  getHistory(id: string): string | undefined {
    const rows = this.stmts.getHistory!.all(id) as Array<{ events: string }>;
    if (rows.length === 0) return undefined;
    return rows
      .map((r) => r.events.slice(1, -1))
      .filter((t) => t !== '')
      .join(',');
  }
  queryInstances(f: InstanceFilter): string[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.statuses && f.statuses.length > 0) {
      where.push(`status IN (${f.statuses.map(() => '?').join(',')})`);
      args.push(...f.statuses);
    }
    if (f.createdFrom !== undefined && Number.isFinite(f.createdFrom)) {
      where.push('created_at >= ?');
      args.push(f.createdFrom);
    }
    if (f.createdTo !== undefined && Number.isFinite(f.createdTo)) {
      where.push('created_at <= ?');
      args.push(f.createdTo);
    }
    if (f.idPrefix) {
      // A range on the primary key instead of LIKE (no escaping, uses the index).
      where.push('id >= ? AND id < ?');
      args.push(f.idPrefix, `${f.idPrefix}\uffff`);
    }
    const sql =
      `SELECT record FROM instances${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
      ' ORDER BY created_at, id LIMIT ? OFFSET ?';
    const rows = this.db.prepare(sql).all(...args, f.limit, f.offset) as Array<{ record: string }>;
    return rows.map((r) => r.record);
  }
  expiredInstances(status: string, before: number, limit: number): string[] {
    return (this.stmts.expired!.all(status, before, limit) as Array<{ id: string }>).map((r) => r.id);
  }
  getEntity(id: string): EntityRow | undefined {
    return this.stmts.getEntity!.get(id) as EntityRow | undefined;
  }
  queryEntities(f: EntityFilter): EntityRow[] {
    const args: Array<string | number> = [f.idPrefix, `${f.idPrefix}\uffff`];
    let sql = 'SELECT id, state, updated_at AS updatedAt FROM entities WHERE id >= ? AND id < ?';
    if (f.updatedFrom !== undefined && Number.isFinite(f.updatedFrom)) {
      sql += ' AND coalesce(updated_at, 0) >= ?';
      args.push(f.updatedFrom);
    }
    if (f.updatedTo !== undefined && Number.isFinite(f.updatedTo)) {
      sql += ' AND coalesce(updated_at, 0) <= ?';
      args.push(f.updatedTo);
    }
    sql += ' ORDER BY id LIMIT ? OFFSET ?';
    return this.db.prepare(sql).all(...args, f.limit, f.offset) as unknown as EntityRow[];
  }
  loadMessages(): MessageRow[] {
    return this.db
      .prepare('SELECT seq, kind, target, visible_at AS visibleAt, body FROM messages ORDER BY seq')
      .all() as unknown as MessageRow[];
  }
  close(): void {
    this.flush();
    if (this.db.isOpen) this.db.close();
  }
}
