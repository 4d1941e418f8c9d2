/** A small client of the app's HTTP API, as an analyst's script would write it. */
export interface CaseView {
  caseId: string;
  customerId: string;
  stage: string;
  outcome?: string;
  round: number;
  deadline?: string;
  risk?: { score: number; level: string; recommendedAction: string; degraded: boolean };
  findings: Array<{
    specialist: string;
    riskScore: number;
    summary: string;
    degraded: boolean;
    toolCalls?: unknown[];
  }>;
  feedback: Array<{ round: number; text: string }>;
  conversation: Array<{ round: number; author: string; messages: Array<{ role: string; content: string }> }>;
  decisions: Array<{
    round: number;
    decision: string;
    action?: string;
    analyst: string;
    disposition: string;
  }>;
  timeline: Array<{ at: string; event: string; stage: string; round: number; detail?: string }>;
  action?: { action: string; idempotencyKey: string; applied: boolean };
  usage: { tokens: number; usd: number };
  runtimeStatus: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
    private readonly masterKey?: string,
  ) {}

  private async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'x-functions-key': this.key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  async openCase(body: {
    customerId: string;
    description: string;
    severity?: string;
    events?: unknown[];
  }): Promise<string> {
    const res = await this.call('POST', '/api/cases', body);
    if (res.status !== 202)
      throw new Error(`POST /api/cases answered ${res.status}: ${JSON.stringify(res.json)}`);
    return res.json?.['caseId'] as string;
  }

  async getCase(caseId: string): Promise<CaseView> {
    const res = await this.call('GET', `/api/cases/${encodeURIComponent(caseId)}`);
    if (res.status !== 200) throw new Error(`GET case answered ${res.status}: ${JSON.stringify(res.json)}`);
    return res.json as unknown as CaseView;
  }

  decide(
    caseId: string,
    body: { decision: string; round: number; action?: string; feedback?: string; analyst?: string },
  ) {
    return this.call('POST', `/api/cases/${encodeURIComponent(caseId)}/decision`, body);
  }

  /** Polls the case until the predicate holds (a closed case counts once its instance has completed). */
  async waitFor(caseId: string, ok: (c: CaseView) => boolean, timeoutMs = 30_000): Promise<CaseView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.getCase(caseId).catch(() => undefined);
      if (c && ok(c) && (c.stage !== 'closed' || c.runtimeStatus !== 'Running')) return c;
      if (Date.now() > deadline)
        throw new Error(
          `case ${caseId} did not get there in ${timeoutMs} ms (last: ${c?.stage} round ${c?.round})`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The account ledger entity, read through the Durable HTTP API (needs the master key). */
  async ledger(
    customerId: string,
  ): Promise<{ locked: boolean; entries: Array<{ action: string; idempotencyKey: string }> }> {
    const res = await fetch(
      `${this.baseUrl}/runtime/webhooks/durabletask/entities/accountLedger/${customerId}?code=${this.masterKey}`,
    );
    if (res.status === 404) return { locked: false, entries: [] };
    return (await res.json()) as {
      locked: boolean;
      entries: Array<{ action: string; idempotencyKey: string }>;
    };
  }
}
