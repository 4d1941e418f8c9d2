import { describe, expect, it } from 'vitest';
import { scriptedModel } from '../../../src/agents/scripted-model';
import type { ChatModel } from '../../../src/agents/model';
import { aggregateRisk, riskLevel, writeReasoning } from '../../../src/investigation/aggregate';
import type { Findings, SpecialistName } from '../../../src/investigation/types';

function finding(specialist: SpecialistName, riskScore: number, degraded = false): Findings {
  return {
    specialist,
    riskScore,
    summary: `${specialist} summary`,
    evidence: [],
    toolCalls: [],
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, usd: 0 },
    model: 'scripted',
    degraded,
  };
}
const round = (u: number, l: number, b: number) => [
  finding('usage', u),
  finding('location', l),
  finding('billing', b),
];

describe('aggregateRisk', () => {
  it('weighs usage 0.3, location 0.4, billing 0.3 when no single signal dominates', () => {
    expect(aggregateRisk(round(0.4, 0.5, 0.4)).riskScore).toBe(0.44);
    expect(aggregateRisk(round(0.6, 0.8, 0.4)).riskScore).toBe(0.62);
    expect(aggregateRisk(round(0.8, 0.6, 0.6)).riskScore).toBe(0.66);
  });

  it('floors the risk at 0.75 × the strongest evidence-backed score, so single-area fraud reaches review', () => {
    expect(aggregateRisk(round(0, 1, 0)).riskScore).toBe(0.75);
    expect(aggregateRisk(round(1, 0, 0)).recommendedAction).toBe('lock_account');
    expect(aggregateRisk(round(0, 0, 1)).recommendedAction).toBe('refund_charges');
    // A degraded score has no evidence behind it: it counts in the mean but never lifts the floor.
    const degradedOnly = [finding('usage', 0), finding('location', 1, true), finding('billing', 0)];
    expect(aggregateRisk(degradedOnly).riskScore).toBe(0.4);
  });

  it.each([
    [0, 'low'],
    [0.399999, 'low'],
    [0.4, 'medium'],
    [0.599999, 'medium'],
    [0.6, 'high'],
    [0.799999, 'high'],
    [0.8, 'critical'],
    [1, 'critical'],
  ] as const)('levels a risk of %s as %s', (score, level) => {
    expect(riskLevel(score)).toBe(level);
  });

  it('treats an aggregate of exactly 0.6 as high, not as floating-point 0.6000000000000001', () => {
    const a = aggregateRisk(round(0.6, 0.6, 0.6));
    expect(a.riskScore).toBe(0.6);
    expect(a.level).toBe('high');
    expect(a.recommendedAction).not.toBe('clear');
  });

  it.each([
    // usage, location, billing → risk, action
    [0.2, 0.3, 0.2, 0.24, 'clear'],
    [0.44, 0.59, 0.44, 0.5, 'clear'],
    [0.1, 0.45, 0.45, 0.6, 'lock_account'], // two specialists corroborate: lifted to the threshold
    [0.1, 0.1, 0.95, 0.7125, 'refund_charges'], // billing alone: weighted 0.355, floored at 0.75 × 0.95
    [0.5, 0.95, 0.3, 0.7125, 'lock_account'], // location drives
    [0.9, 0.5, 0.5, 0.675, 'lock_account'], // usage drives
    [0.55, 0.55, 1, 0.75, 'refund_charges'], // billing drives, no takeover signal
    [0.2, 0.9, 0.9, 0.69, 'both'],
    [0.9, 0.2, 0.9, 0.675, 'both'],
    [0.9, 0.9, 0.9, 0.9, 'both'],
  ] as const)('usage %s, location %s, billing %s → risk %s, %s', (u, l, b, risk, action) => {
    const a = aggregateRisk(round(u, l, b));
    expect(a.riskScore).toBe(risk);
    expect(a.recommendedAction).toBe(action);
  });

  it('recommends refund only on billing evidence, never on a degraded billing fallback', () => {
    const findings = [finding('usage', 0.55), finding('location', 0.55), finding('billing', 1, true)];
    const a = aggregateRisk(findings);
    expect(a.riskScore).toBeGreaterThanOrEqual(0.6);
    expect(a.degraded).toBe(true);
    expect(a.recommendedAction).toBe('lock_account');
  });

  it('counts a missing specialist at its severity fallback and marks the round degraded', () => {
    const a = aggregateRisk([finding('usage', 0), finding('billing', 0)], { severity: 'critical' });
    expect(a.missing).toEqual(['location']);
    expect(a.scores.location).toBe(0.95);
    expect(a.riskScore).toBe(0.38);
    expect(a.degraded).toBe(true);
  });

  it('honours a case threshold other than 0.6 for the clear decision', () => {
    expect(aggregateRisk(round(0.5, 0.5, 0.5), { actionThreshold: 0.4 }).recommendedAction).toBe(
      'lock_account',
    );
    expect(aggregateRisk(round(0.5, 0.5, 0.5), 0.4).recommendedAction).toBe('lock_account');
    expect(aggregateRisk(round(0.65, 0.3, 0.1), 0.7).recommendedAction).toBe('clear');
    // Corroboration lifts to the case's own threshold.
    expect(aggregateRisk(round(0.65, 0.65, 0.1), 0.7).riskScore).toBe(0.7);
  });
});

describe('writeReasoning', () => {
  it('lets the model write prose around the numbers code decided', async () => {
    const findings = round(0.9, 0.95, 0.1);
    const a = aggregateRisk(findings);
    const { reasoning, usage } = await writeReasoning(
      findings,
      a,
      { primary: scriptedModel() },
      { feedback: ['check the VPN'] },
    );
    expect(reasoning).toContain(a.riskScore.toFixed(2));
    expect(reasoning).toContain('lock_account');
    expect(reasoning).toContain('check the VPN');
    expect(usage.totalTokens).toBeGreaterThan(0);
    expect(usage.usd).toBe(0);
  });

  it('falls back to a template when the model fails', async () => {
    const broken: ChatModel = { name: 'down', complete: () => Promise.reject(new Error('503')) };
    const findings = round(0.1, 0.1, 0.1);
    const { reasoning, usage } = await writeReasoning(findings, aggregateRisk(findings), { primary: broken });
    expect(reasoning).toMatch(/Aggregate risk 0\.10 \(low\); recommended action: clear/);
    expect(usage.totalTokens).toBe(0);
  });
});
