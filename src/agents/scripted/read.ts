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
/** A benign explanation the analysis found in a tool result (code verifies it against the data later). */
export interface ProposedExplanation {
  kind: string;
  ref: string;
  detail: string;
}
export interface Analysis {
  score: number;
  /** One or two sentences. */
  finding: string;
  evidence: string[];
  /** Keywords for the knowledge base search that follows. */
  kbQuery: string;
  explanations?: ProposedExplanation[];
  /** Ids of the live timeline items behind the findings. */
  cited?: string[];
}
export interface AlertFacts {
  customerId: string;
  events: Array<Record<string, unknown>>;
  /** "Now" of the investigation (ISO), when the prompt states it. */
  asOf?: string;
  /** The rules of the case's alerts (what the specialists must explain or confirm). */
  rules?: string[];
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

/** Milliseconds of an ISO text, NaN when absent. */
export const ms = (v: Json): number => (typeof v === 'string' ? Date.parse(v) : Number.NaN);
export const DAY = 86_400_000;

/** Items of several lists, each id once (tools list the same event under several headings). */
export function uniqueById(...lists: unknown[][]): Array<Record<string, unknown>> {
  const seen = new Set<string>();
  const out: Array<Record<string, unknown>> = [];
  for (const list of lists)
    for (const v of list) {
      const o = obj(v);
      const id = str(o.id) ?? `${str(o.ts)}|${str(o.type)}|${str(o.country)}|${str(o.device)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(o);
    }
  return out;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A device registered to the customer or long known from their sign-ins (per get_account_context). */
export function ownDevice(device: string, context: Record<string, unknown> | undefined): boolean {
  return (
    arr(context?.registeredDevices).some((d) => str(obj(d).deviceId) === device) ||
    arr(context?.knownDevices).some((d) => str(obj(d).device) === device && (num(obj(d).logins) ?? 0) >= 3)
  );
}

/** The customer's travel notice (per get_account_context) naming `country` on the day of `t`, if any. */
export function travelNoticeAt(
  context: Record<string, unknown> | undefined,
  country: string,
  t: number,
): Record<string, unknown> | undefined {
  return arr(context?.travelNotices)
    .map(obj)
    .find(
      (n) =>
        arr(n.countries).includes(country) &&
        t >= ms(`${str(n.from)}T00:00:00Z`) &&
        t < ms(`${str(n.to)}T00:00:00Z`) + DAY,
    );
}
