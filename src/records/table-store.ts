import { odata, RestError, TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { mergeDelivery } from './sqlite-store';
import { prefixEnd, sortKeys } from './keys';
import { normalizeSearch, searchKeys, summaryOf } from './record';
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
  SortKey,
} from './types';

/**
 * Case records in Azure Table Storage (the app's own storage account, managed identity in Azure,
 * Azurite under `npm start`). Table Storage sorts by row key only, so the index keeps one row per case
 * in each sort partition (`by-deadline`, `by-risk`, `by-opened`) keyed by that sort key and carrying the
 * summary: a page is a range read of one partition with the filters applied by the service. The case's
 * main row (partition `case`) holds the full record and the index keys it owns; a write replaces the
 * main row under its ETag, then writes the new index rows and removes the old ones. A crash in between
 * leaves the old keys listed in `staleKeys`, and the activity's retry removes them.
 */
const CASE = 'case';
const INDEX: Record<SortKey, string> = { deadline: 'by-deadline', risk: 'by-risk', opened: 'by-opened' };
/** Table properties hold at most 64 KiB: a record is stored as UTF-8 bytes in binary chunks. */
const CHUNK = 60_000;
const MAX_TRIES = 5;

type Entity = TableEntity<Record<string, unknown>> & { etag?: string };

/** Row and partition keys may not hold / \ # ? or control characters. */
export function tableKey(s: string): string {
  return s.replace(/[^A-Za-z0-9_.:|-]/g, (c) => `~${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const auditPartition = (caseId: string) => `audit|${tableKey(caseId)}`;

const status = (err: unknown) => (err instanceof RestError ? err.statusCode : undefined);

export function createTableStore(client: TableClient, location: string): CaseRecordStore {
  let ready: Promise<void> | undefined;
  const table = async () => {
    ready ??= client.createTable().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    await ready;
    return client;
  };

  async function getEntity(pk: string, rk: string): Promise<Entity | undefined> {
    try {
      return (await (await table()).getEntity<Record<string, unknown>>(pk, rk)) as Entity;
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  /** Rows of one partition, up to 100 per batch transaction. */
  async function upsertAll(rows: Entity[]): Promise<void> {
    const t = await table();
    for (let i = 0; i < rows.length; i += 100) {
      const actions: TransactionAction[] = rows.slice(i, i + 100).map((r) => ['upsert', r, 'Replace']);
      if (actions.length === 1) await t.upsertEntity(rows[i]!, 'Replace');
      else await t.submitTransaction(actions);
    }
  }

  function caseEntity(record: CaseRecord, indexKeys: string[], staleKeys: string[]): Entity {
    const bytes = Buffer.from(JSON.stringify(record), 'utf8');
    const chunks: Record<string, Uint8Array> = {};
    for (let i = 0; i * CHUNK < bytes.length; i++)
      chunks[`record${i}`] = new Uint8Array(bytes.subarray(i * CHUNK, (i + 1) * CHUNK));
    return {
      partitionKey: CASE,
      rowKey: tableKey(record.caseId),
      caseId: record.caseId,
      customerId: record.customerId,
      stage: record.stage,
      version: record.version,
      indexKeys: JSON.stringify(indexKeys),
      staleKeys: JSON.stringify(staleKeys),
      recordChunks: Object.keys(chunks).length,
      ...chunks,
    };
  }

  function recordOf(e: Entity): CaseRecord {
    const n = Number(e['recordChunks'] ?? 0);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < n; i++) parts.push(e[`record${i}`] as Uint8Array);
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as CaseRecord;
  }

  function indexRows(record: CaseRecord): Array<{ key: string; entity: Entity }> {
    const keys = sortKeys(record);
    const search = searchKeys(record.caseId, record.customerId);
    return (Object.keys(INDEX) as SortKey[]).map((sort) => {
      const entity: Entity = {
        partitionKey: INDEX[sort],
        rowKey: tableKey(keys[sort]),
        caseId: record.caseId,
        customerId: record.customerId,
        customerLc: search.customer,
        caseLc: search.caseKey,
        rule: record.rule,
        stage: record.stage,
        outcome: record.outcome ?? '',
        riskLevel: record.risk?.level ?? '',
        summary: JSON.stringify(summaryOf(record)),
      };
      return { key: `${entity.partitionKey}\n${entity.rowKey}`, entity };
    });
  }

  const parseKeys = (v: unknown): string[] => {
    try {
      const a = JSON.parse(String(v ?? '[]')) as unknown;
      return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  };

  async function writeDecisions(record: CaseRecord): Promise<void> {
    const rows = (record.status?.decisions ?? []).map((d): Entity => ({
      partitionKey: auditPartition(record.caseId),
      rowKey: `d|${tableKey(d.decisionId)}`,
      at: d.decidedAt,
      body: JSON.stringify({ ...d, caseId: record.caseId } satisfies DecisionAudit),
    }));
    await upsertAll(rows);
  }

  return {
    location,

    async putCase(record) {
      await writeDecisions(record);
      const t = await table();
      for (let attempt = 1; ; attempt++) {
        const stored = await getEntity(CASE, tableKey(record.caseId));
        if (stored && String(stored['version']) > record.version) return false;
        const rows = indexRows(record);
        const keys = rows.map((r) => r.key);
        const previous = [...parseKeys(stored?.['indexKeys']), ...parseKeys(stored?.['staleKeys'])];
        const stale = [...new Set(previous)].filter((k) => !keys.includes(k));
        try {
          if (stored)
            await t.updateEntity(caseEntity(record, keys, stale), 'Replace', { etag: stored.etag as string });
          else await t.createEntity(caseEntity(record, keys, stale));
        } catch (err) {
          // Another writer got there first: read again and decide again.
          if ((status(err) === 412 || status(err) === 409) && attempt < MAX_TRIES) continue;
          throw err;
        }
        await Promise.all(rows.map((r) => t.upsertEntity(r.entity, 'Replace')));
        if (stale.length === 0) return true;
        await Promise.all(
          stale.map(async (k) => {
            const [pk, rk] = k.split('\n') as [string, string];
            await t.deleteEntity(pk, rk).catch((err: unknown) => {
              if (status(err) !== 404) throw err;
            });
          }),
        );
        await t
          .updateEntity({ partitionKey: CASE, rowKey: tableKey(record.caseId), staleKeys: '[]' }, 'Merge')
          .catch(() => undefined); // harmless if it fails: the next write deletes them again
        return true;
      }
    },

    async putLedger(entries) {
      const byCase = new Map<string, LedgerAudit[]>();
      for (const e of entries) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
      for (const [caseId, list] of byCase)
        await upsertAll(
          list.map((e) => ({
            partitionKey: auditPartition(caseId),
            rowKey: `l|${tableKey(e.idempotencyKey)}`,
            at: e.at,
            body: JSON.stringify(e),
          })),
        );
    },

    async putDelivery(d) {
      const t = await table();
      const pk = auditPartition(d.caseId);
      const rk = `w|${tableKey(d.idempotencyKey)}`;
      for (let attempt = 1; ; attempt++) {
        const stored = await getEntity(pk, rk);
        const merged = mergeDelivery(
          stored ? (JSON.parse(String(stored['body'])) as DeliveryAudit) : undefined,
          d,
        );
        const entity: Entity = {
          partitionKey: pk,
          rowKey: rk,
          at: merged.firstAttemptAt,
          body: JSON.stringify(merged),
        };
        try {
          if (stored) await t.updateEntity(entity, 'Replace', { etag: stored.etag as string });
          else await t.createEntity(entity);
          return;
        } catch (err) {
          if ((status(err) === 412 || status(err) === 409) && attempt < MAX_TRIES) continue;
          throw err;
        }
      }
    },

    async getCase(caseId) {
      const e = await getEntity(CASE, tableKey(caseId));
      return e ? recordOf(e) : undefined;
    },

    async listCases(q) {
      const t = await table();
      const filter = tableFilter(q);
      const cases: CaseSummaryRecord[] = [];
      let lastKey: string | undefined;
      let more = false;
      const pages = t
        .listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['RowKey', 'summary'] } })
        .byPage({ maxPageSize: Math.min(1000, q.limit + 1) });
      outer: for await (const page of pages) {
        for (const e of page) {
          if (cases.length === q.limit) {
            more = true;
            break outer;
          }
          cases.push(JSON.parse(String(e['summary'])) as CaseSummaryRecord);
          lastKey = e.rowKey;
        }
      }
      const out: CasePage = { cases };
      if (more && lastKey) out.nextAfter = lastKey;
      return out;
    },

    async audit(caseId): Promise<CaseAudit> {
      const t = await table();
      const out: CaseAudit = { decisions: [], ledger: [], deliveries: [] };
      const rows = t.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${auditPartition(caseId)}` },
      });
      for await (const e of rows) {
        const body = JSON.parse(String(e['body'])) as unknown;
        const kind = String(e.rowKey).slice(0, 2);
        if (kind === 'd|') out.decisions.push(body as DecisionAudit);
        else if (kind === 'l|') out.ledger.push(body as LedgerAudit);
        else if (kind === 'w|') out.deliveries.push(body as DeliveryAudit);
      }
      out.decisions.sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
      out.ledger.sort((a, b) => a.at.localeCompare(b.at));
      out.deliveries.sort((a, b) => a.firstAttemptAt.localeCompare(b.firstAttemptAt));
      return out;
    },

    async close() {},
  };
}

/** The OData filter of one page: the sort partition from the cursor on, and the analyst's filters. */
export function tableFilter(q: CaseQuery): string {
  const parts = [odata`PartitionKey eq ${INDEX[q.sort]}`];
  // The cursor came from this store: it is a row key already.
  if (q.after !== undefined) parts.push(odata`RowKey gt ${q.after}`);
  if (q.stage === 'open') parts.push(odata`stage ne ${'closed'}`);
  else if (q.stage) parts.push(odata`stage eq ${q.stage}`);
  if (q.outcome) parts.push(odata`outcome eq ${q.outcome}`);
  if (q.riskLevel) parts.push(odata`riskLevel eq ${q.riskLevel}`);
  if (q.rule) parts.push(odata`rule eq ${q.rule}`);
  if (q.customerId) parts.push(odata`customerId eq ${q.customerId}`);
  if (q.search) {
    const s = normalizeSearch(q.search);
    const end = prefixEnd(s);
    parts.push(
      `(${odata`customerLc ge ${s} and customerLc lt ${end}`} or ${odata`caseLc ge ${s} and caseLc lt ${end}`})`,
    );
  }
  return parts.join(' and ');
}
