import { config, caseRecordsLocation, type CaseRecordsLocation, type Config } from '../config';
import { openSqliteStore } from './sqlite-store';
import { openTableStore } from './table-client';
import type { CaseRecordStore } from './types';

export type * from './types';

/**
 * The case-record store the configuration names, one per location. The cache lives in this module, and
 * the offline host loads the app's modules afresh for each host it starts: two hosts in one process
 * (tests) never share an in-memory store, and two with different data directories never share a file.
 */
const stores = new Map<string, CaseRecordStore>();

function keyOf(loc: CaseRecordsLocation): string {
  if (loc.kind === 'sqlite') return `sqlite:${loc.file}`;
  return 'endpoint' in loc
    ? `table:${loc.endpoint}:${loc.table}`
    : `table:${loc.connectionString}:${loc.table}`;
}

export function caseRecords(cfg: Config = config()): CaseRecordStore {
  const loc = caseRecordsLocation(cfg);
  const key = keyOf(loc);
  let store = stores.get(key);
  if (!store) {
    store = open(loc);
    stores.set(key, store);
  }
  return store;
}

function open(loc: CaseRecordsLocation): CaseRecordStore {
  return loc.kind === 'sqlite' ? openSqliteStore(loc.file) : openTableStore(loc);
}

/** Closes every store this app opened (the host is stopping). */
export async function closeCaseRecords(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map((s) => s.close()));
}
