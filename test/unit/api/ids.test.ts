import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  decisionIdFor,
  ingestInstanceId,
  isValidInstanceId,
  manualAlertId,
} from '../../../src/api/ids';
import { caseIdFor } from '../../../src/cases/types';

describe('deterministic ids', () => {
  it('canonical JSON ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: null }] })).toBe(
      canonicalJson({ a: [{ e: null, d: 2 }], b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it('gives a retried ingest batch the same instance id and a different batch another', () => {
    const events = [{ type: 'auth_failure', customerId: 'C1', timestamp: '2026-01-01T00:00:00Z' }];
    const id = ingestInstanceId('C1', events);
    expect(id).toMatch(/^ingest-C1-[0-9a-f]{16}$/);
    expect(
      ingestInstanceId('C1', [{ timestamp: '2026-01-01T00:00:00Z', customerId: 'C1', type: 'auth_failure' }]),
    ).toBe(id);
    expect(ingestInstanceId('C1', [...events, ...events])).not.toBe(id);
    expect(isValidInstanceId(id)).toBe(true);
  });

  it('derives a case id from the manual alert content and the request id', () => {
    const a = manualAlertId({ customerId: 'C1', description: 'x', requestId: null });
    expect(manualAlertId({ requestId: null, description: 'x', customerId: 'C1' })).toBe(a);
    expect(manualAlertId({ customerId: 'C1', description: 'x', requestId: 'r2' })).not.toBe(a);
    expect(isValidInstanceId(caseIdFor(a))).toBe(true);
  });

  it('gives the same decision the same id and any difference another', () => {
    const d = { caseId: 'case-1', round: 1, decision: 'approve', action: 'lock_account', analyst: 'ana' };
    expect(decisionIdFor(d)).toBe(decisionIdFor({ ...d }));
    expect(decisionIdFor({ ...d, round: 2 })).not.toBe(decisionIdFor(d));
    expect(decisionIdFor({ ...d, analyst: 'bob' })).not.toBe(decisionIdFor(d));
    expect(decisionIdFor({ ...d, feedback: 'x' })).not.toBe(decisionIdFor(d));
  });

  it.each([
    '',
    '.',
    '..',
    '../x',
    'a/b',
    'a?b',
    'a#b',
    'a b',
    'a%2Fb',
    "a'--",
    '<script>',
    '\u202Eabc',
    'a\u200Bb',
    '🙂',
    'x'.repeat(101),
  ])('rejects %j as an instance id', (id) => expect(isValidInstanceId(id)).toBe(false));
});
