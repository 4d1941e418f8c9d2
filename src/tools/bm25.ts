/**
 * Lexical search for the knowledge base: BM25 (k1 = 1.2, b = 0.75) over lower-cased, stop-word-free,
 * lightly stemmed tokens. Small and dependency-free; the playbook is a few dozen short articles.
 */
const STOP_WORDS = new Set(
  'a an and are as at be been but by can do does for from has have if in into is it its may of on or so such than that the their then there these they this to too was were what when where which while who will with'.split(
    ' ',
  ),
);

/** A small suffix stripper: enough to join login/logins, country/countries, charge/charged/charges. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = `${w.slice(0, -3)}i`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  for (const suffix of ['ing', 'ed', 'ly']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`;
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  const last = w.at(-1);
  if (w.length > 4 && last !== undefined && last === w.at(-2) && !'sz'.includes(last)) w = w.slice(0, -1);
  return w;
}

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => !STOP_WORDS.has(t)).map(stem);
}

export interface Bm25Doc {
  id: string;
  /** Fields and how many times each counts (a title counted twice weighs more than the body). */
  fields: { text: string; weight: number }[];
}

export interface Bm25Hit {
  id: string;
  score: number;
}

export class Bm25Index {
  private readonly docs: { id: string; tf: Map<string, number>; length: number }[];
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(
    docs: readonly Bm25Doc[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.docs = docs.map((d) => {
      const tf = new Map<string, number>();
      let length = 0;
      for (const field of d.fields) {
        for (const token of tokenize(field.text)) {
          tf.set(token, (tf.get(token) ?? 0) + field.weight);
          length += field.weight;
        }
      }
      for (const token of tf.keys()) this.df.set(token, (this.df.get(token) ?? 0) + 1);
      return { id: d.id, tf, length };
    });
    this.avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, this.docs.length);
  }

  /** Hits with a positive score, best first; ties keep document order. */
  search(query: string, topK: number): Bm25Hit[] {
    const terms = [...new Set(tokenize(query))];
    const n = this.docs.length;
    const hits = this.docs.map((d, order) => {
      let score = 0;
      for (const term of terms) {
        const f = d.tf.get(term);
        if (!f) continue;
        const df = this.df.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score +=
          (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * d.length) / this.avgLength));
      }
      return { id: d.id, score, order };
    });
    return hits
      .filter((h) => h.score > 0)
      .sort((x, y) => y.score - x.score || x.order - y.order)
      .slice(0, topK)
      .map(({ id, score }) => ({ id, score }));
  }
}
