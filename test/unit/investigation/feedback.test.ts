import { describe, expect, it } from 'vitest';
import { scriptedModel } from '../../../src/agents/scripted-model';
import type { Alert } from '../../../src/detection/schema';
import { aggregateRisk } from '../../../src/investigation/aggregate';
import { checksFor, directivesFor } from '../../../src/investigation/feedback';
import { openSession, recordRound } from '../../../src/investigation/session';
import { runSpecialist, type SpecialistInput } from '../../../src/investigation/specialists';
import type { Assessment, Findings } from '../../../src/investigation/types';

describe('reading analyst feedback', () => {
  it.each([
    ['The customer is travelling this week.', 'travel'],
    ['She told us she was on holiday in Portugal', 'travel'],
    ['Check the shipping addresses', 'shipping'],
    ['Was anything delivered abroad?', 'shipping'],
    ['Is that a new handset?', 'devices'],
    ['Look at the card payments', 'money'],
    ['Maybe it is their own home-automation app polling us', 'api'],
    ['They use a hotspot for work', 'data'],
    ['Did the password change come from them?', 'sign_ins'],
    ['Compare with what they normally do', 'history'],
  ])('"%s" → %s', (text, intent) => {
    expect(directivesFor([text]).map((d) => d.intent)).toContain(intent);
  });

  it('sends travel to location as a look for a travel notice and a full read of the sign-ins', () => {
    expect(checksFor('location', directivesFor(['the customer is travelling']))).toEqual([
      { tool: 'get_account_context', wide: false },
      { tool: 'get_security_logs', wide: true },
    ]);
  });

  it('sends shipping to billing as a read of the orders, and to nobody else', () => {
    const d = directivesFor(['round 1 (ana): check the shipping addresses']);
    expect(checksFor('billing', d)).toEqual([{ tool: 'get_customer_orders', wide: true }]);
    expect(checksFor('location', d)).toEqual([]);
  });

  it('still widens each specialist’s main source when the feedback names nothing checkable', () => {
    const d = directivesFor(['not convinced']);
    expect(d.map((x) => x.intent)).toEqual(['history']);
    expect(checksFor('usage', d)).toEqual([{ tool: 'get_data_usage', wide: true }]);
  });

  it('reads only the latest feedback for the next round, and nothing when there is none', () => {
    expect(directivesFor(['check the orders', 'the customer is travelling']).map((d) => d.intent)).toEqual([
      'travel',
    ]);
    expect(directivesFor([])).toEqual([]);
  });
});

const alert: Alert = {
  alertId: 'C013-large_transaction-20261122T160000000Z',
  customerId: 'C013',
  rule: 'large_transaction',
  severity: 'high',
  description: 'Transaction of $900.00 is 4.1× the average',
  detectedAt: '2026-11-22T16:00:00Z',
  events: [
    {
      type: 'transaction',
      customerId: 'C013',
      timestamp: '2026-11-22T16:00:00Z',
      amount: 900,
      merchant: 'Contoso Mobile Store',
    },
  ],
};
const input = (over: Partial<SpecialistInput> = {}): SpecialistInput => ({
  caseId: 'case-feedback',
  round: 1,
  alert,
  priorRounds: [],
  feedback: [],
  newEvidence: [],
  ...over,
});
const billing = (i: SpecialistInput) =>
  runSpecialist('billing', i, { models: { primary: scriptedModel() }, maxIterations: 8 });

function assessmentOf(round: number, findings: Findings[]): Assessment {
  const a = aggregateRisk(findings);
  return {
    round,
    ...a,
    reasoning: 'r',
    findings,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 },
  };
}

describe('a re-investigation directed by feedback', () => {
  it('makes billing read the orders when asked about shipping, re-scores, and records what changed and why', async () => {
    const first = await billing(input());
    expect(first.findings.toolCalls.map((c) => c.name)).not.toContain('get_customer_orders');
    const feedback = 'round 1 (ana): Check the shipping addresses before we lock anything.';
    const second = await billing(input({ round: 2, feedback: [feedback] }));
    expect(second.findings.toolCalls.map((c) => c.name)).toContain('get_customer_orders');
    // The orders show two financed phones shipped to NG: new information, a different assessment.
    expect(second.findings.riskScore).toBeGreaterThan(first.findings.riskScore);
    expect(second.findings.evidence.join(' ')).toMatch(/shipped outside the home countries/);
    expect(second.findings.summary).toMatch(/Analyst feedback: "Check the shipping addresses/);

    let s = openSession({ caseId: 'case-feedback', alert, openedAt: alert.detectedAt });
    s = recordRound(s, {
      round: 1,
      entries: first.transcript,
      assessment: assessmentOf(1, [first.findings]),
    });
    s = {
      ...s,
      feedback: [
        { round: 1, text: 'Check the shipping addresses before we lock anything.', at: alert.detectedAt },
      ],
    };
    s = recordRound(s, {
      round: 2,
      entries: second.transcript,
      assessment: assessmentOf(2, [second.findings]),
    });
    const change = s.rounds[1]!.changes!;
    expect(change).toMatchObject({
      fromRound: 1,
      intents: ['shipping'],
      feedback: expect.stringMatching(/shipping/),
    });
    const b = change.specialists.find((x) => x.specialist === 'billing')!;
    expect(b.newChecks.join(' ')).toMatch(/get_customer_orders/);
    expect(b.to).toBeGreaterThan(b.from);
    expect(change.why).toMatch(
      /The analyst asked: "Check the shipping addresses.*billing 0\.\d\d → 0\.\d\d; checked get_customer_orders/,
    );
  });
});
