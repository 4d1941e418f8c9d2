import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseRecords, closeCaseRecords } from '../../../src/records';
import { recordFromStatus } from '../../../src/records/record';
import { openSqliteStore } from '../../../src/records/sqlite-store';
import { loadConfig } from '../../../src/config';
import { caseStatus } from '../api/builders';
import { storeContract } from './contract';

storeContract('SQLite in memory', async () => openSqliteStore(':memory:'));

const dir = mkdtempSync(path.join(tmpdir(), 'case-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite file', async () => openSqliteStore(path.join(dir, 'contract.sqlite')));

describe('choosing the SQLite store by configuration', () => {
  it('keeps records in the offline host data directory across a reopen', async () => {
    const cfg = loadConfig({ OFFLINE_HOST_DATA_DIR: dir });
    const first = caseRecords(cfg);
    expect(first.location).toBe(`sqlite ${dir}/case-records.sqlite`);
    await first.putCase(recordFromStatus(caseStatus({ caseId: 'case-kept' }), 'Running'));
    await closeCaseRecords();
    const again = caseRecords(cfg);
    expect(again).not.toBe(first);
    expect((await again.getCase('case-kept'))?.stage).toBe('awaiting_decision');
    await closeCaseRecords();
  });

  it('keeps records in memory when the host does not persist, one store per location', async () => {
    const memory = caseRecords(loadConfig({}));
    expect(memory.location).toBe('sqlite (in memory)');
    expect(caseRecords(loadConfig({}))).toBe(memory);
    const file = caseRecords(loadConfig({ CASE_RECORDS_PATH: path.join(dir, 'other.sqlite') }));
    expect(file).not.toBe(memory);
    await memory.putCase(recordFromStatus(caseStatus({ caseId: 'case-only-here' }), 'Running'));
    expect(await file.getCase('case-only-here')).toBeUndefined();
    await closeCaseRecords();
  });

  it('names the missing setting when Table Storage is chosen without one', () => {
    expect(() => caseRecords(loadConfig({ CASE_RECORDS_STORE: 'table' }))).toThrow(/AzureWebJobsStorage/);
  });
});
