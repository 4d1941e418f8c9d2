import { z } from 'zod';
import { RiskLevel } from '../investigation/types';
import type { CaseQuery, CaseRecordStore, CaseSummaryRecord, SortKey } from '../records/types';
import { SortKey as SortKeySchema } from '../records/types';
import { recordFromStatus } from '../records/record';
import { Outcome, Stage } from '../review/types';
import { caseStatusOf, isCaseInstance, type InstanceLike } from './cases';
import { badRequest, zodFieldErrors } from './errors';

/**
 * GET /api/cases: one page of the case index (the case-record store), filtered, sorted and paged by the
 * store, never by scanning instances. Shared by the HTTP API and the MCP case-review tools.
 */
const ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export const CaseListQuery = z.strictObject({
  status: z.enum([...Stage.options, 'open']).optional(),
  outcome: Outcome.optional(),
  riskLevel: RiskLevel.optional(),
  rule: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a rule name: lower-case letters, digits and _')
    .optional(),
  customerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, 1 to 64 characters')
    .optional(),
  q: z
    .string()
    .trim()
    .regex(ID, 'the start of a customer id or case id: letters, digits, _ . : or -')
    .optional(),
  sort: SortKeySchema.default('opened'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1000).optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export interface CaseListPage {
  cases: CaseSummaryRecord[];
  count: number;
  /** Cases matching the filters, when the store can count them cheaply (SQLite; not Table Storage). */
  total?: number;
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export function parseCaseListQuery(query: URLSearchParams): CaseListQuery {
  const raw: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [k, v] of query) {
    if (k === 'code') continue; // the function key when passed in the URL, not a filter
    if (k in raw) repeated.push(k);
    raw[k] = v;
  }
  if (repeated.length > 0) {
    const details = repeated.map((k) => ({ path: k, message: 'given more than once' }));
    throw badRequest(`query parameter '${repeated[0]}' given more than once`, details);
  }
  return validCaseListQuery(raw);
}

/** Validates a query given as an object (the MCP tools' arguments). */
export function validCaseListQuery(raw: unknown): CaseListQuery {
  const parsed = CaseListQuery.safeParse(raw);
  if (!parsed.success) {
    const details = zodFieldErrors(parsed.error);
    throw badRequest(`invalid query: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  return parsed.data;
}

/** The cursor names its sort, so a cursor of one ordering is refused by another. */
export function encodeCursor(sort: SortKey, after: string): string {
  return Buffer.from(`${sort}\n${after}`, 'utf8').toString('base64url');
}

export function decodeCursor(sort: SortKey, cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const newline = text.indexOf('\n');
  if (newline < 0 || text.slice(0, newline) !== sort || newline === text.length - 1)
    throw badRequest(`cursor: not a cursor of this listing (sort=${sort}); list again without it`, [
      { path: 'cursor', message: `not a cursor of a sort=${sort} listing` },
    ]);
  return text.slice(newline + 1);
}

export async function listCases(store: CaseRecordStore, q: CaseListQuery): Promise<CaseListPage> {
  const query: CaseQuery = {
    sort: q.sort,
    limit: q.limit,
    ...(q.status ? { stage: q.status } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.riskLevel ? { riskLevel: q.riskLevel } : {}),
    ...(q.rule ? { rule: q.rule } : {}),
    ...(q.customerId ? { customerId: q.customerId } : {}),
    ...(q.q ? { search: q.q } : {}),
    ...(q.cursor ? { after: decodeCursor(q.sort, q.cursor) } : {}),
  };
  const page = await store.listCases(query);
  return {
    cases: page.cases,
    count: page.cases.length,
    ...(page.total !== undefined ? { total: page.total } : {}),
    ...(page.nextAfter !== undefined ? { nextCursor: encodeCursor(q.sort, page.nextAfter) } : {}),
  };
}

const backfilled = new WeakSet<CaseRecordStore>();

/**
 * Once per store and process, when the store holds no case at all but instances exist (a data directory
 * or task hub from before case records existed): record every case instance, so the index starts full.
 * Never again afterwards: the index is answered by the store alone.
 */
export async function backfillOnce(
  store: CaseRecordStore,
  instances: () => Promise<readonly InstanceLike[]>,
): Promise<number> {
  if (backfilled.has(store)) return 0;
  backfilled.add(store);
  if ((await store.listCases({ sort: 'opened', limit: 1 })).cases.length > 0) return 0;
  const cases = (await instances()).filter(isCaseInstance);
  for (const i of cases) await store.putCase(recordFromStatus(caseStatusOf(i).status, i.runtimeStatus));
  return cases.length;
}
