import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { normalizeSearch, searchKeys, summaryOf } from './record';
import { sortKeys } from './keys';
import type {
  CaseAudit,
  CasePage,
  CaseQuery,
  CaseRecord,
  CaseRecordStore,
  CaseSummaryRecord,
  DecisionAudit,
  DeliveryAudit,
  LedgerAudit,
} from './types';

/**
 * Case records in SQLite (Node's built-in node:sqlite): a file under the offline host's data directory
 * when it persists, memory otherwise. One row per case with its sort keys indexed, so a filtered, sorted
 * page is an index range scan however many cases there are; audit rows keyed by their natural ids make
 * every write an idempotent upsert.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS cases (
  case_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  customer_lc TEXT NOT NULL,
  case_lc TEXT NOT NULL,
  rule TEXT NOT NULL,
  stage TEXT NOT NULL,
  outcome TEXT,
  risk_level TEXT,
  version TEXT NOT NULL,
  k_deadline TEXT NOT NULL,
  k_risk TEXT NOT NULL,
  k_opened TEXT NOT NULL,
  summary TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_deadline ON cases (k_deadline);
CREATE INDEX IF NOT EXISTS cases_risk ON cases (k_risk);
CREATE INDEX IF NOT EXISTS cases_opened ON cases (k_opened);
CREATE INDEX IF NOT EXISTS cases_stage_deadline ON cases (stage, k_deadline);
CREATE INDEX IF NOT EXISTS cases_customer ON cases (customer_id, k_opened);
CREATE TABLE IF NOT EXISTS decisions (
  case_id TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (case_id, decision_id)
);
CREATE TABLE IF NOT EXISTS ledger (
  idempotency_key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_case ON ledger (case_id, at);
CREATE TABLE IF NOT EXISTS deliveries (
  idempotency_key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  first_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_case ON deliveries (case_id, first_at);
`;

const SORT_COLUMN = { deadline: 'k_deadline', risk: 'k_risk', opened: 'k_opened' } as const;

export function openSqliteStore(file: string): CaseRecordStore {
  const memory = file === ':memory:';
  if (!memory) mkdirSync(path.dirname(file), { recursive: true });
  // Loaded here, not at the top: Azure's Table store must not pull node:sqlite in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load of a Node built-in
  const { DatabaseSync: Database } = require('node:sqlite') as typeof import('node:sqlite');
  const db: DatabaseSync = new Database(file);
  if (!memory) db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);

  const getVersion = db.prepare('SELECT version, record FROM cases WHERE case_id = ?');
  const upsertCase = db.prepare(`
    INSERT INTO cases (case_id, customer_id, customer_lc, case_lc, rule, stage, outcome, risk_level, version,
                       k_deadline, k_risk, k_opened, summary, record)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (case_id) DO UPDATE SET
      customer_id = excluded.customer_id, customer_lc = excluded.customer_lc, rule = excluded.rule,
      stage = excluded.stage, outcome = excluded.outcome, risk_level = excluded.risk_level,
      version = excluded.version, k_deadline = excluded.k_deadline, k_risk = excluded.k_risk,
      k_opened = excluded.k_opened, summary = excluded.summary, record = excluded.record`);
  const insertDecision = db.prepare(
    'INSERT OR IGNORE INTO decisions (case_id, decision_id, decided_at, body) VALUES (?, ?, ?, ?)',
  );
  const upsertLedger = db.prepare(
    'INSERT OR IGNORE INTO ledger (idempotency_key, case_id, at, body) VALUES (?, ?, ?, ?)',
  );
  const getDelivery = db.prepare('SELECT body FROM deliveries WHERE idempotency_key = ?');
  const upsertDelivery = db.prepare(`
    INSERT INTO deliveries (idempotency_key, case_id, first_at, body) VALUES (?, ?, ?, ?)
    ON CONFLICT (idempotency_key) DO UPDATE SET body = excluded.body`);
  const caseDecisions = db.prepare('SELECT body FROM decisions WHERE case_id = ? ORDER BY decided_at');
  const caseLedger = db.prepare('SELECT body FROM ledger WHERE case_id = ? ORDER BY at');
  const caseDeliveries = db.prepare('SELECT body FROM deliveries WHERE case_id = ? ORDER BY first_at');

  const transaction = <T>(fn: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      db.exec('COMMIT');
      return out;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };

  const bodies = <T>(rows: unknown[]): T[] => rows.map((r) => JSON.parse((r as { body: string }).body) as T);

  return {
    location: memory ? 'sqlite (in memory)' : `sqlite ${file}`,

    async putCase(record) {
      return transaction(() => {
        const stored = getVersion.get(record.caseId) as { version: string } | undefined;
        for (const d of record.status?.decisions ?? []) {
          const audit: DecisionAudit = { ...d, caseId: record.caseId };
          insertDecision.run(record.caseId, d.decisionId, d.decidedAt, JSON.stringify(audit));
        }
        if (stored && stored.version > record.version) return false;
        const keys = sortKeys(record);
        const search = searchKeys(record.caseId, record.customerId);
        upsertCase.run(
          record.caseId,
          record.customerId,
          search.customer,
          search.caseKey,
          record.rule,
          record.stage,
          record.outcome ?? null,
          record.risk?.level ?? null,
          record.version,
          keys.deadline,
          keys.risk,
          keys.opened,
          JSON.stringify(summaryOf(record)),
          JSON.stringify(record),
        );
        return true;
      });
    },

    async putLedger(entries) {
      transaction(() => {
        for (const e of entries) upsertLedger.run(e.idempotencyKey, e.caseId, e.at, JSON.stringify(e));
      });
    },

    async putDelivery(d) {
      transaction(() => {
        const row = getDelivery.get(d.idempotencyKey) as { body: string } | undefined;
        const merged = mergeDelivery(row ? (JSON.parse(row.body) as DeliveryAudit) : undefined, d);
        upsertDelivery.run(d.idempotencyKey, d.caseId, merged.firstAttemptAt, JSON.stringify(merged));
      });
    },

    async getCase(caseId) {
      const row = getVersion.get(caseId) as { record: string } | undefined;
      return row ? (JSON.parse(row.record) as CaseRecord) : undefined;
    },

    async listCases(q) {
      const { where, params } = filters(q);
      const column = SORT_COLUMN[q.sort];
      const pageWhere = q.after === undefined ? where : [...where, `${column} > ?`];
      const pageParams = q.after === undefined ? params : [...params, q.after];
      const clause = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
      const rows = db
        .prepare(`SELECT summary, ${column} AS k FROM cases ${clause(pageWhere)} ORDER BY ${column} LIMIT ?`)
        .all(...pageParams, q.limit + 1) as Array<{ summary: string; k: string }>;
      const total = (
        db.prepare(`SELECT count(*) AS n FROM cases ${clause(where)}`).get(...params) as { n: number }
      ).n;
      const page = rows.slice(0, q.limit);
      const out: CasePage = {
        cases: page.map((r) => JSON.parse(r.summary) as CaseSummaryRecord),
        total,
      };
      if (rows.length > q.limit) out.nextAfter = page.at(-1)!.k;
      return out;
    },

    async audit(caseId): Promise<CaseAudit> {
      return {
        decisions: bodies<DecisionAudit>(caseDecisions.all(caseId)),
        ledger: bodies<LedgerAudit>(caseLedger.all(caseId)),
        deliveries: bodies<DeliveryAudit>(caseDeliveries.all(caseId)),
      };
    },

    async close() {
      if (db.isOpen) db.close();
    },
  };
}

function filters(q: CaseQuery): { where: string[]; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (q.stage === 'open') where.push("stage <> 'closed'");
  else if (q.stage) {
    where.push('stage = ?');
    params.push(q.stage);
  }
  for (const [column, value] of [
    ['outcome', q.outcome],
    ['risk_level', q.riskLevel],
    ['rule', q.rule],
    ['customer_id', q.customerId],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (q.search) {
    const like = `${normalizeSearch(q.search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push("(customer_lc LIKE ? ESCAPE '\\' OR case_lc LIKE ? ESCAPE '\\')");
    params.push(like, like);
  }
  return { where, params };
}

/** Attempts add up; once delivered, a later failed retry does not un-deliver it. */
export function mergeDelivery(stored: DeliveryAudit | undefined, d: DeliveryAudit): DeliveryAudit {
  if (!stored) return d;
  const delivered = stored.state === 'delivered' && d.state !== 'delivered';
  return {
    ...(delivered ? stored : d),
    attempts: stored.attempts + d.attempts,
    firstAttemptAt: stored.firstAttemptAt < d.firstAttemptAt ? stored.firstAttemptAt : d.firstAttemptAt,
    lastAttemptAt: stored.lastAttemptAt > d.lastAttemptAt ? stored.lastAttemptAt : d.lastAttemptAt,
  };
}
