import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The true edge for routing races: a webhook receiver on loopback that answers at once, or holds the
 * requests a test picks until the test lets them go — an action or a notice that "takes long to answer",
 * exactly as long as the test needs to play its race, with no timing guess.
 */
export interface HeldWebhook {
  /** Base URL; the app is given `${url}/actions`, `${url}/analyst`, `${url}/notify`. */
  url: string;
  /** Every request received, in order: its path, idempotency key and `kind` (from the JSON body). */
  received: Request[];
  /** Holds the next request that matches; `arrived` resolves when it is here, `release()` answers it. */
  hold(match: (r: Request) => boolean): { arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

interface Request {
  path: string;
  key: string;
  kind?: string;
}

interface Hold {
  match: (r: Request) => boolean;
  arrived: () => void;
  released: Promise<void>;
}

export async function startHeldWebhook(): Promise<HeldWebhook> {
  const received: Request[] = [];
  const holds: Hold[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Request = { path: req.url ?? '', key: String(req.headers['idempotency-key'] ?? '') };
      try {
        const kind = (JSON.parse(Buffer.concat(chunks).toString()) as { kind?: unknown }).kind;
        if (typeof kind === 'string') r.kind = kind;
      } catch {
        // not JSON: no kind
      }
      received.push(r);
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      const i = holds.findIndex((h) => h.match(r));
      if (i < 0) return answer();
      const [h] = holds.splice(i, 1);
      h!.arrived();
      void h!.released.then(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    hold(match) {
      let arrived!: () => void;
      let release!: () => void;
      const hold: Hold = {
        match,
        arrived: () => arrived(),
        released: new Promise<void>((r) => (release = r)),
      };
      const arrivedP = new Promise<void>((r) => (arrived = r));
      holds.push(hold);
      return { arrived: arrivedP, release: () => release() };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What one case read: its opening alert and the evidence its session recorded (read from its inbox). */
export interface CaseReading {
  caseId: string;
  opener: string;
  read: string[];
  stage?: string;
  outcome?: string;
}

/**
 * Which case read each alert, from the cases' own records (GET /api/cases/{id}: the opening alert and
 * the session's evidence). Only for closed cases: an open case's view also lists alerts still waiting.
 */
export function readers(cases: readonly CaseReading[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const c of cases)
    for (const id of [c.opener, ...c.read]) by.set(id, [...(by.get(id) ?? []), c.caseId]);
  return by;
}

/** Reads a case through the HTTP API. */
export async function caseReading(
  baseUrl: string,
  key: string,
  caseId: string,
): Promise<CaseReading & { round: number; evidence: number }> {
  const res = await fetch(`${baseUrl}/api/cases/${encodeURIComponent(caseId)}`, {
    headers: { 'x-functions-key': key },
  });
  if (!res.ok) throw new Error(`GET case ${caseId}: ${res.status} ${await res.text()}`);
  const c = (await res.json()) as {
    stage: string;
    outcome?: string;
    round: number;
    alert: { alertId: string };
    evidence: Array<{ alert: { alertId: string } }>;
    evidenceCount?: number;
  };
  return {
    caseId,
    opener: c.alert.alertId,
    read: c.evidence.map((e) => e.alert.alertId),
    stage: c.stage,
    ...(c.outcome ? { outcome: c.outcome } : {}),
    round: c.round,
    evidence: c.evidenceCount ?? c.evidence.length,
  };
}

/** Case ids of a customer from the case index (GET /api/cases?customerId=). */
export async function caseIdsOf(baseUrl: string, key: string, customerId: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/cases?customerId=${encodeURIComponent(customerId)}&limit=100`, {
    headers: { 'x-functions-key': key },
  });
  if (!res.ok) throw new Error(`GET cases: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { cases: Array<{ caseId: string }> };
  return body.cases.map((c) => c.caseId);
}
