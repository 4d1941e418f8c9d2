import { describe, expect, it } from 'vitest';
import { withEvent } from '../../../src/cases/status';
import { caseStatus } from '../api/builders';

describe('the case timeline', () => {
  it('files a reject under the round it rejected, with the analyst who rejected it', () => {
    const s = withEvent(
      caseStatus({ round: 1 }),
      '2026-11-22T11:00:00.000Z',
      'rejected',
      { stage: 'investigating', round: 2, deadline: undefined },
      'check the billing disputes',
      'alice@contoso.com',
    );
    expect(s.round).toBe(2);
    expect(s.timeline.at(-1)).toEqual({
      at: '2026-11-22T11:00:00.000Z',
      stage: 'investigating',
      event: 'rejected',
      round: 1,
      detail: 'check the billing disputes',
      analyst: 'alice@contoso.com',
    });
    // The next round's entries carry the next round.
    expect(withEvent(s, '2026-11-22T11:01:00.000Z', 'assessed').timeline.at(-1)?.round).toBe(2);
  });
});
