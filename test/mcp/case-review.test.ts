import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { CASE_REVIEW_APP_URI, MCP_APP_MIME_TYPE, ReviewTools } from '../../src/mcp/names';
import { ledgerOf, openCase, startApp, transactionAlert, waitForCase } from '../support/app';
import { connect, type Connected, textOf } from './support';

/**
 * Case review over MCP, through the real app on the offline host's MCP webhook with the SDK client:
 * list, read, decide with the HTTP API's validation, idempotency, round checks and audit; the analyst
 * from the caller's credentials; the MCP App resource linked from the tools.
 */
let host: OfflineHost;
let mcp: Connected;
let awaiting: string;
const principal = (name: string) =>
  Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'name', val: name }] })).toString('base64');

beforeAll(async () => {
  host = await startApp();
  mcp = await connect(host.mcpUrl!, 'streamable', { 'x-functions-key': host.mcpExtensionKey });
  // C013's planted pattern (foreign logins, disputed charges) scores high: the case waits for a person.
  awaiting = await openCase(host, transactionAlert('C013'));
  await waitForCase(host, awaiting, 'awaiting_decision');
});
afterAll(async () => {
  await mcp?.client.close();
  await host?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- structured content is asserted field by field
const structured = (r: unknown): any => (r as { structuredContent?: unknown }).structuredContent;
const call = (name: string, args: Record<string, unknown>) => mcp.client.callTool({ name, arguments: args });

describe('the case-review tools', () => {
  it('are listed with their schemas (enums included) and point at the MCP App', async () => {
    const { tools } = await mcp.client.listTools();
    const decide = tools.find((t) => t.name === ReviewTools.decideCase)!;
    expect(decide.inputSchema.required).toEqual(['caseId', 'decision', 'round']);
    expect(decide.inputSchema.properties).toMatchObject({
      decision: { type: 'string', enum: ['approve', 'reject'] },
      round: { type: 'integer' },
      action: { type: 'string', enum: ['lock_account', 'refund_charges', 'both', 'clear'] },
    });
    for (const name of Object.values(ReviewTools)) {
      const tool = tools.find((t) => t.name === name)!;
      expect(tool._meta).toEqual({
        ui: { resourceUri: CASE_REVIEW_APP_URI },
        'ui/resourceUri': CASE_REVIEW_APP_URI,
      });
    }
  });

  it('lists cases with the HTTP API query rules, and refuses a bad filter naming it', async () => {
    const listed = await call(ReviewTools.listCases, { status: 'awaiting_decision' });
    expect(listed.isError).toBeFalsy();
    expect(structured(listed).cases.map((c: { caseId: string }) => c.caseId)).toContain(awaiting);
    expect(textOf(listed)).toContain(awaiting);
    const bad = await call(ReviewTools.listCases, { status: 'pending', limit: 9999 });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/Refused \(400\).*status.*limit/s);
  });

  it('reads one case: risk, findings, evidence, deadline and what to call next', async () => {
    const got = await call(ReviewTools.getCase, { caseId: awaiting });
    const view = structured(got).case;
    expect(view).toMatchObject({
      caseId: awaiting,
      customerId: 'C013',
      stage: 'awaiting_decision',
      round: 1,
      awaitingDecision: true,
    });
    expect(view.risk.score).toBeGreaterThanOrEqual(0.6);
    expect(view.findings.map((f: { specialist: string }) => f.specialist).sort()).toEqual([
      'billing',
      'location',
      'usage',
    ]);
    expect(view.alert).toMatchObject({ rule: 'large_transaction', severity: 'high' });
    // 72 h after the assessment (virtual clock: the host's time, not the wall clock).
    expect((Date.parse(view.deadline) - Date.parse(view.openedAt)) / 3_600_000).toBeCloseTo(72, 0);
    expect(textOf(got)).toContain(`decide_case with caseId "${awaiting}", round 1`);
    const missing = await call(ReviewTools.getCase, { caseId: 'case-nope' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain("Refused (404): no case with id 'case-nope'");
  });

  it('refuses an invalid decision naming the field, and changes nothing', async () => {
    const r = await call(ReviewTools.decideCase, { caseId: awaiting, decision: 'approve', round: 1 });
    expect(r.isError).toBe(true);
    expect(structured(r)).toMatchObject({ status: 400, details: [{ path: 'action' }] });
    const unknown = await call(ReviewTools.decideCase, {
      caseId: awaiting,
      decision: 'approve',
      action: 'both',
      round: 1,
      extra: 1,
    });
    expect(textOf(unknown)).toContain('extra: unknown field');
    expect((await ledgerOf(host, 'C013')).entries).toEqual([]);
  });

  it('refuses a stale round with 409 and the case stage and round', async () => {
    const r = await call(ReviewTools.decideCase, {
      caseId: awaiting,
      decision: 'approve',
      action: 'lock_account',
      round: 2,
    });
    expect(r.isError).toBe(true);
    expect(structured(r)).toEqual({
      error: 'decision is for round 2 but the case is at round 1',
      status: 409,
      details: { stage: 'awaiting_decision', round: 1 },
    });
  });
});

describe('deciding over MCP', () => {
  it('approves once as the Easy Auth principal; a repeat is answered without a second effect', async () => {
    const alice = await connect(host.mcpUrl!, 'streamable', {
      'x-functions-key': host.mcpExtensionKey,
      'x-ms-client-principal': principal('alice@contoso.com'),
    });
    try {
      const args = {
        caseId: awaiting,
        decision: 'approve',
        action: 'lock_account',
        round: 1,
        analyst: 'mallory',
      };
      const first = await alice.client.callTool({ name: ReviewTools.decideCase, arguments: args });
      expect(first.isError).toBeFalsy();
      expect(structured(first).decision).toMatchObject({
        accepted: true,
        repeat: false,
        analyst: 'alice@contoso.com',
        analystSource: 'easy-auth',
      });
      const closed = await waitForCase(host, awaiting, 'closed');
      expect(closed).toMatchObject({ outcome: 'action_executed' });
      expect(closed.decisions.find((d) => d.disposition === 'accepted')?.analyst).toBe('alice@contoso.com');

      const again = await alice.client.callTool({ name: ReviewTools.decideCase, arguments: args });
      expect(again.isError).toBeFalsy();
      expect(structured(again).decision).toMatchObject({
        repeat: true,
        decisionId: structured(first).decision.decisionId,
      });
      expect((await ledgerOf(host, 'C013')).entries.map((e) => e.action)).toEqual(['lock_account']);
      expect(structured(again).case).toMatchObject({
        stage: 'closed',
        outcome: 'action_executed',
        awaitingDecision: false,
      });
    } finally {
      await alice.client.close();
    }
  });

  it('with only the extension key, records the claimed name as unverified; a closed case refuses (409)', async () => {
    const other = await openCase(host, transactionAlert('C042'));
    await waitForCase(host, other, 'awaiting_decision');
    const r = await call(ReviewTools.decideCase, {
      caseId: other,
      decision: 'reject',
      feedback: 'Check the shipping addresses first.',
      round: 1,
      analyst: 'bob',
    });
    expect(structured(r).decision).toMatchObject({
      analyst: 'bob (unverified: MCP key)',
      analystSource: 'mcp-key',
    });
    const round2 = await waitForCase(host, other, (s) => s.round === 2 && s.stage === 'awaiting_decision');
    expect(round2.decisions[0]).toMatchObject({ decision: 'reject', analyst: 'bob (unverified: MCP key)' });

    const late = await call(ReviewTools.decideCase, {
      caseId: awaiting,
      decision: 'reject',
      feedback: 'x',
      round: 1,
    });
    expect(late.isError).toBe(true);
    expect(structured(late)).toMatchObject({ status: 409, details: { stage: 'closed' } });
  });
});

describe('the MCP App', () => {
  it('is a ui:// resource with the MCP Apps mimeType, self-contained HTML with its script inlined', async () => {
    const { resources } = await mcp.client.listResources();
    expect(resources.find((r) => r.uri === CASE_REVIEW_APP_URI)).toMatchObject({
      mimeType: MCP_APP_MIME_TYPE,
      _meta: { ui: { prefersBorder: true, csp: { connectDomains: [], resourceDomains: [] } } },
    });
    const read = await mcp.client.readResource({ uri: CASE_REVIEW_APP_URI });
    const content = read.contents[0] as { uri: string; mimeType: string; text: string };
    expect(content.uri).toBe(CASE_REVIEW_APP_URI);
    expect(content.mimeType).toBe('text/html;profile=mcp-app');
    expect(content.text).toMatch(/^<!doctype html>/);
    expect(content.text).not.toContain('/* APP_SCRIPT */');
    expect(content.text).toContain('ui/initialize');
    // No CDN, no external fetches: every src/href is inline.
    expect(content.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]*\.(js|css)\b/);
  });
});
