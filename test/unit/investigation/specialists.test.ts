import { afterEach, describe, expect, it } from 'vitest';
import { ModelError, type ChatModel } from '../../../src/agents/model';
import { createOpenAICompatibleModel } from '../../../src/agents/openai-model';
import { scriptedModel } from '../../../src/agents/scripted-model';
import type { Alert, Severity } from '../../../src/detection/schema';
import { aggregateRisk } from '../../../src/investigation/aggregate';
import { openSession, recordRound } from '../../../src/investigation/session';
import { runSpecialist, SPECIALISTS, type SpecialistInput } from '../../../src/investigation/specialists';
import { Findings, type SpecialistName } from '../../../src/investigation/types';
import { startFakeOpenAI } from '../agents/support/fake-openai-server';
import { startMcpToolServer } from './support/mcp-tool-server';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const alert = (customerId: string, severity: Severity = 'high'): Alert => ({
  alertId: `alert-${customerId}`,
  customerId,
  rule: 'manual',
  severity,
  description: 'review',
  detectedAt: '2026-11-22T16:00:00Z',
  events: [],
});
const input = (a: Alert): SpecialistInput => ({
  caseId: `case-${a.alertId}`,
  round: 1,
  alert: a,
  priorRounds: [],
  feedback: [],
  newEvidence: [],
});
const scripted = { models: { primary: scriptedModel() }, maxIterations: 6 };
const NAMES: SpecialistName[] = ['usage', 'location', 'billing'];
const down: ChatModel = {
  name: 'gpt-4o',
  complete: () => Promise.reject(new ModelError('gpt-4o: HTTP 503', true, 503)),
};

describe('runSpecialist', () => {
  it.each([
    ['usage', 'high', 0.7],
    ['location', 'high', 0.8],
    ['billing', 'high', 0.6],
    ['usage', 'critical', 0.9],
    ['location', 'low', 0.3],
    ['billing', 'medium', 0.4],
  ] as const)(
    'never throws when the model fails: %s on a %s alert gets the fallback %s, degraded',
    async (name, severity, score) => {
      const { findings } = await runSpecialist(name, input(alert('C001', severity)), {
        models: { primary: down },
        maxIterations: 6,
      });
      expect(findings).toMatchObject({
        specialist: name,
        riskScore: score,
        degraded: true,
        degradedReason: 'model call failed: gpt-4o: HTTP 503',
      });
      expect(Findings.parse(findings)).toEqual(findings);
    },
  );

  it('uses the secondary when the primary endpoint answers 500, and says so in the findings', async () => {
    const primary = await startFakeOpenAI([{ kind: 'error', status: 500 }]);
    closers.push(primary.close);
    const models = {
      primary: createOpenAICompatibleModel({ baseURL: primary.url, model: 'gpt-4o', maxRetries: 0 }),
      secondary: scriptedModel(),
    };
    const { findings } = await runSpecialist('location', input(alert('C007')), { models, maxIterations: 6 });
    expect(findings.degraded).toBe(false);
    expect(findings.riskScore).toBeGreaterThanOrEqual(0.6);
    expect(findings.modelFallback).toMatchObject({
      from: 'gpt-4o',
      to: 'scripted',
      reason: expect.stringContaining('500'),
    });
    expect(findings.model).toBe('scripted');
  });

  it('produces a request/response transcript the case session records', async () => {
    const a = alert('C013');
    const { findings, transcript } = await runSpecialist('billing', input(a), scripted);
    expect(transcript.map((e) => [e.kind, e.correlationId, e.author, e.round])).toEqual([
      ['request', 'case-alert-C013:r1:billing', 'billing', 1],
      ['response', 'case-alert-C013:r1:billing', 'billing', 1],
    ]);
    expect(transcript[1]!.toolCalls).toEqual(findings.toolCalls);
    expect(transcript[1]!.usage).toEqual(findings.usage);
    const s = recordRound(openSession({ caseId: 'case-alert-C013', alert: a, openedAt: 't' }), {
      round: 1,
      entries: transcript,
    });
    expect(s.entries).toHaveLength(2);
  });

  it('carries earlier rounds, feedback and new evidence into the prompt as quoted data', async () => {
    const a = alert('C007');
    const later: Alert = { ...alert('C007'), alertId: 'alert-later', rule: 'auth_failure_burst' };
    const { transcript } = await runSpecialist(
      'location',
      {
        ...input(a),
        round: 2,
        priorRounds: [
          { round: 1, riskScore: 0.43, level: 'medium', recommendedAction: 'clear', reasoning: 'travel?' },
        ],
        feedback: ['round 1 (ana): check the login history'],
        newEvidence: [later],
      },
      scripted,
    );
    const prompt = transcript[0]!.messages[0]!.content;
    expect(prompt).toContain(
      '<data name="prior_rounds">\n["round 1: risk 0.43 (medium), recommended clear. travel?"]\n</data>',
    );
    expect(prompt).toContain('<data name="analyst_feedback">');
    expect(prompt).toContain('"alertId":"alert-later"');
    expect(transcript[1]!.correlationId).toBe('case-alert-C007:r2:location');
  });

  it('gives each specialist only its own tools', async () => {
    for (const name of NAMES) {
      const { findings } = await runSpecialist(name, input(alert('C042')), scripted);
      expect(findings.toolCalls.length).toBeGreaterThan(0);
      expect(findings.toolCalls.every((c) => SPECIALISTS[name].tools.includes(c.name as never))).toBe(true);
    }
  });

  it('calls the same tools over MCP when an MCP server URL is given, with the same outcome', async () => {
    const server = await startMcpToolServer();
    closers.push(server.close);
    for (const name of NAMES) {
      const local = await runSpecialist(name, input(alert('C045')), scripted);
      const remote = await runSpecialist(name, input(alert('C045')), {
        ...scripted,
        mcpServerUrl: server.url,
      });
      expect(remote.findings.degraded).toBe(false);
      expect(remote.findings.riskScore).toBe(local.findings.riskScore);
      expect(remote.findings.toolCalls.map((c) => c.name)).toEqual(
        local.findings.toolCalls.map((c) => c.name),
      );
    }
    expect(server.calls).toContain('get_security_logs');
  });

  it('degrades instead of throwing when the MCP server is unreachable', async () => {
    const { findings } = await runSpecialist('usage', input(alert('C001', 'medium')), {
      ...scripted,
      mcpServerUrl: 'http://127.0.0.1:9/mcp',
    });
    expect(findings).toMatchObject({
      degraded: true,
      riskScore: 0.5,
      degradedReason: expect.stringMatching(/^tools unavailable: MCP server/),
    });
  });

  it('investigates a takeover end to end: three specialists in parallel, then code decides the action', async () => {
    const a = alert('C042');
    const results = await Promise.all(NAMES.map((n) => runSpecialist(n, input(a), scripted)));
    const agg = aggregateRisk(
      results.map((r) => r.findings),
      { severity: a.severity },
    );
    expect(agg.degraded).toBe(false);
    expect(agg.level).toBe('critical');
    expect(agg.recommendedAction).toBe('both');
  });
});
