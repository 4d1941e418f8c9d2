import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FINISHED_STATUSES, isFailed, isFinished } from '../../../src/durable/status';
import { BoundaryError, parseAt } from '../../../src/durable/typed';

describe('parseAt', () => {
  const Input = z.object({ caseId: z.string(), round: z.number().int().positive() });

  it('returns the parsed value when it keeps the contract', () => {
    expect(parseAt(Input, { caseId: 'c', round: 2 }, 'x')).toEqual({ caseId: 'c', round: 2 });
  });

  it('names every broken field and where it was checked', () => {
    const fail = () => parseAt(Input, { round: 0 }, 'activity demo input');
    expect(fail).toThrow(BoundaryError);
    expect(fail).toThrow(/^activity demo input: caseId: .*; round: /);
  });

  it('serializes to its message, the form in which entity errors reach their caller', () => {
    const err = new BoundaryError('customerProfile.ingest input: events: expected array');
    expect(JSON.parse(JSON.stringify(err))).toBe(err.message);
  });
});

describe('runtime statuses', () => {
  it('counts Completed, Failed, Terminated and Canceled as finished, and nothing else', () => {
    const all = ['Running', 'Pending', 'Suspended', 'ContinuedAsNew', ...FINISHED_STATUSES];
    expect(all.filter(isFinished)).toEqual(['Completed', 'Failed', 'Terminated', 'Canceled']);
  });

  it('rebuilds the view of a case that ended without output (failed, terminated or canceled)', () => {
    expect(['Completed', 'Failed', 'Terminated', 'Canceled', 'Running'].filter(isFailed)).toEqual([
      'Failed',
      'Terminated',
      'Canceled',
    ]);
  });
});
