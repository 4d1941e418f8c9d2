import { z } from 'zod';
import { Bm25Index } from '../bm25.js';
import { dataset } from '../data/dataset.js';
import type { KbArticle } from '../data/schema.js';
import { defineTool, round2 } from '../define.js';

export const SearchKnowledgeBaseInput = z.object({
  query: z
    .string()
    .min(2)
    .max(500)
    .describe('Keywords or a question, e.g. "login from two countries within an hour".'),
  top_k: z.number().int().min(1).max(10).default(3).describe('How many articles to return (default 3).'),
});
export type SearchKnowledgeBaseInput = z.infer<typeof SearchKnowledgeBaseInput>;

let index: { bm25: Bm25Index; byId: Map<string, KbArticle> } | undefined;

function kb(): { bm25: Bm25Index; byId: Map<string, KbArticle> } {
  if (!index) {
    const articles = dataset().knowledgeBase;
    index = {
      // The title counts twice: a query naming the pattern should find the article about it.
      bm25: new Bm25Index(
        articles.map((a) => ({
          id: a.id,
          fields: [
            { text: a.title, weight: 2 },
            { text: a.body, weight: 1 },
          ],
        })),
      ),
      byId: new Map(articles.map((a) => [a.id, a])),
    };
  }
  return index;
}

export const searchKnowledgeBase = defineTool({
  name: 'search_knowledge_base',
  description:
    'Search the fraud playbook (account takeover, impossible travel, SIM swap, card testing, data exfiltration, bill shock, ' +
    'friendly fraud, refund and lock policy, risk scoring, ...). Lexical (BM25) ranking; returns the best articles in full.',
  input: SearchKnowledgeBaseInput,
  handler: async ({ query, top_k }) => {
    const { bm25, byId } = kb();
    const results = bm25.search(query, top_k).flatMap((hit) => {
      const a = byId.get(hit.id);
      return a ? [{ id: a.id, title: a.title, score: round2(hit.score), body: a.body }] : [];
    });
    return results.length
      ? { query, results }
      : { query, results, note: 'no article matched; try other keywords' };
  },
});
