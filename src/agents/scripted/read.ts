/**
 * Shared vocabulary of the scripted model's analyses (usage.ts, location.ts, billing.ts): per
 * specialist, numbers and structured fields of tool results in, a 0..1 score and plain evidence out.
 * Free text in the data (descriptions, notes, reasons) never moves a score, so an instruction planted
 * in it cannot either.
 */

export type Json = unknown;
export interface ToolResult {
  tool: string;
  args: Record<string, unknown>;
  value: Json;
}
export interface Analysis {
  score: number;
  /** One or two sentences. */
  finding: string;
  evidence: string[];
  /** Keywords for the knowledge base search that follows. */
  kbQuery: string;
}
export interface AlertFacts {
  customerId: string;
  events: Array<Record<string, unknown>>;
}

// Loose readers: tool results are untrusted JSON; a missing or mistyped field reads as absent.
export const obj = (v: Json): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
export const arr = (v: Json): unknown[] => (Array.isArray(v) ? v : []);
export const num = (v: Json): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const str = (v: Json): string | undefined => (typeof v === 'string' ? v : undefined);
export const clamp = (x: number) => Math.round(Math.min(0.97, Math.max(0.02, x)) * 100) / 100;
export const fmt = (x: number, d = 1) => x.toFixed(d);

export function latest(results: readonly ToolResult[], tool: string): Record<string, unknown> | undefined {
  const hits = results.filter((r) => r.tool === tool);
  return hits.length ? obj(hits[hits.length - 1]!.value) : undefined;
}

export function homeCountries(results: readonly ToolResult[]): Set<string> {
  for (const tool of ['get_customer_detail', 'get_security_logs']) {
    const h = arr(latest(results, tool)?.homeCountries).flatMap((c) => (typeof c === 'string' ? [c] : []));
    if (h.length) return new Set(h);
  }
  return new Set();
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
