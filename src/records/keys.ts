import type { CaseSummaryRecord, SortKey } from './types';

/**
 * Sort keys of the case index: one ascending string per sort, unique per case (it ends with the case
 * id), so both stores page by "key greater than the last one" (keyset paging: stable while cases are
 * added, no offset scans). Soonest deadline first (cases without one after, newest first); highest risk
 * first (unassessed after); newest first.
 */
const NO_DEADLINE = '9999-12-31T23:59:59.999Z';
const NO_RISK = '9999';
const EPOCH_MAX = 9_000_000_000_000_000;

const newestFirst = (iso: string) => String(EPOCH_MAX - (Date.parse(iso) || 0)).padStart(16, '0');

export function sortKeys(
  c: Pick<CaseSummaryRecord, 'caseId' | 'deadline' | 'risk' | 'openedAt'>,
): Record<SortKey, string> {
  const opened = newestFirst(c.openedAt);
  const risk = c.risk ? String(1000 - Math.round(c.risk.score * 1000)).padStart(4, '0') : NO_RISK;
  return {
    deadline: `${c.deadline ?? NO_DEADLINE}|${opened}|${c.caseId}`,
    risk: `${risk}|${opened}|${c.caseId}`,
    opened: `${opened}|${c.caseId}`,
  };
}

/** The smallest string greater than every string starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
