import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorResponse, formatPath, zodFieldErrors } from '../../../src/api/errors';

describe('field errors', () => {
  it('formats paths the way a client addresses fields', () => {
    expect(formatPath(['events', 3, 'amount'])).toBe('events[3].amount');
    expect(formatPath([])).toBe('(body)');
    expect(formatPath(['events', 0, 'we ird'])).toBe('events[0]["we ird"]');
    expect(formatPath(['<script>'])).toBe('["<script>"]');
  });

  it('names each unknown field and marks missing ones as required', () => {
    const S = z.strictObject({ a: z.string(), b: z.strictObject({ c: z.number() }) });
    const r = S.safeParse({ b: { c: 'x', d: 1 }, e: 2 });
    expect(r.success).toBe(false);
    expect(zodFieldErrors(r.error!)).toEqual(
      expect.arrayContaining([
        { path: 'a', message: 'required (string)' },
        { path: 'b.c', message: expect.stringMatching(/expected number/) },
        { path: 'b.d', message: 'unknown field' },
        { path: 'e', message: 'unknown field' },
      ]),
    );
  });

  it('renders every error as JSON {error, details?}', () => {
    const r = errorResponse(409, 'nope', { stage: 'closed' });
    expect(r.status).toBe(409);
    expect((r.headers as Record<string, string>)['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.body as string)).toEqual({ error: 'nope', details: { stage: 'closed' } });
    expect(JSON.parse(errorResponse(404, 'gone').body as string)).toEqual({ error: 'gone' });
  });
});
