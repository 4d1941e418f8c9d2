import { describe, expect, it } from 'vitest';
import { Bm25Index, stem, tokenize } from '../../../src/tools/bm25.js';
import { fails, ok } from './support.js';

const ids = async (query: string, top_k = 3): Promise<string[]> =>
  (await ok('search_knowledge_base', { query, top_k })).results.map((r: { id: string }) => r.id);

describe('search_knowledge_base', () => {
  it('ranks the impossible-travel article first for "login from two countries within an hour"', async () => {
    const r = await ok('search_knowledge_base', { query: 'login from two countries within an hour' });
    expect(r.results[0]).toMatchObject({ id: 'KB-002', title: 'Impossible travel' });
    expect(r.results[0].score).toBeGreaterThan(r.results[1].score);
  });

  it.each([
    ['SIM swap', 'KB-003'],
    ['many small declined orders', 'KB-004'],
    ['third-party premium SMS charges', 'KB-014'],
    ['chargeback on a delivered order', 'KB-007'],
    ['customer on holiday abroad', 'KB-016'],
    ['refund policy amount', 'KB-008'],
  ])('ranks the right playbook article first for "%s"', async (query, expected) => {
    expect((await ids(query))[0]).toBe(expected);
  });

  it('returns at most top_k articles, in full', async () => {
    const r = await ok('search_knowledge_base', { query: 'fraud account', top_k: 2 });
    expect(r.results).toHaveLength(2);
    expect(r.results[0].body.length).toBeGreaterThan(100);
  });

  it('says so when nothing matches, and rejects an empty query', async () => {
    const r = await ok('search_knowledge_base', { query: 'zzzz qqqq' });
    expect(r).toMatchObject({ results: [], note: expect.stringContaining('no article matched') });
    expect(await fails('search_knowledge_base', { query: '' })).toMatch(/query/);
  });
});

describe('tokenisation and BM25', () => {
  it('stems plural and inflected forms to the same token', () => {
    expect(stem('countries')).toBe(stem('country'));
    expect(stem('logins')).toBe(stem('login'));
    expect(new Set(['charge', 'charges', 'charged', 'charging'].map(stem)).size).toBe(1);
    expect(stem('travelling')).toBe(stem('travel'));
  });

  it('drops stop words and punctuation', () => {
    expect(tokenize('The login, from an IP!')).toEqual(['login', 'ip']);
  });

  it('prefers the shorter document when term frequency is equal, and rarer terms over common ones', () => {
    const index = new Bm25Index([
      {
        id: 'long',
        fields: [{ text: 'refund refund padding padding padding padding padding padding', weight: 1 }],
      },
      { id: 'short', fields: [{ text: 'refund refund', weight: 1 }] },
      { id: 'rare', fields: [{ text: 'chargeback padding', weight: 1 }] },
    ]);
    expect(index.search('refund', 3).map((h) => h.id)).toEqual(['short', 'long']);
    expect(index.search('padding chargeback', 1)[0]?.id).toBe('rare');
  });
});
