import { metrics, trace, type Attributes, type Counter, type Histogram } from '@opentelemetry/api';
import { telemetryStatus } from './init';

/**
 * The case lifecycle as telemetry: one short span per event, carrying `case.id` so Application Insights
 * can show a case's alert, rounds, decisions and action together (search customDimensions["case.id"]),
 * plus counters and histograms. Metrics carry only low-cardinality dimensions (rule, decision, action,
 * outcome, risk level) — never the case id, which would create one time series per case.
 *
 * Call these from activities and triggers, never from orchestrators (they would fire on every replay).
 * Every call is a no-op while telemetry is off.
 */

const SCOPE = 'durable-fraud-agents';

interface Instruments {
  alerts: Counter;
  investigations: Counter;
  investigationDuration: Histogram;
  tokens: Counter;
  costUsd: Counter;
  decisions: Counter;
  actions: Counter;
  closed: Counter;
}

let instruments: Instruments | undefined;
function meters(): Instruments {
  if (instruments) return instruments;
  const meter = metrics.getMeter(SCOPE);
  instruments = {
    alerts: meter.createCounter('fraud.alerts', { description: 'Alerts raised by the detection rules' }),
    investigations: meter.createCounter('fraud.investigations', {
      description: 'Investigation rounds completed',
    }),
    investigationDuration: meter.createHistogram('fraud.investigation.duration', {
      description: 'Wall time of one investigation round (fan-out and aggregation)',
      unit: 'ms',
    }),
    tokens: meter.createCounter('fraud.model.tokens', {
      description: 'Model tokens spent on investigations',
    }),
    costUsd: meter.createCounter('fraud.model.cost', {
      description: 'Model cost of investigations',
      unit: 'USD',
    }),
    decisions: meter.createCounter('fraud.decisions', { description: 'Analyst decisions recorded' }),
    actions: meter.createCounter('fraud.actions', { description: 'Actions executed on accounts' }),
    closed: meter.createCounter('fraud.cases.closed', { description: 'Cases closed, by outcome' }),
  };
  return instruments;
}

function event(name: string, caseId: string, attributes: Attributes, durationMs?: number): void {
  const tracer = trace.getTracer(SCOPE);
  const end = Date.now();
  const start = durationMs !== undefined ? end - Math.max(0, durationMs) : end;
  const span = tracer.startSpan(name, { startTime: start, attributes: { 'case.id': caseId, ...attributes } });
  span.end(end);
}

/** Risk 0..1 → the level names DESIGN.md uses, as a metric dimension. */
export function riskLevel(risk: number): 'critical' | 'high' | 'medium' | 'low' {
  if (risk >= 0.8) return 'critical';
  if (risk >= 0.6) return 'high';
  if (risk >= 0.4) return 'medium';
  return 'low';
}

const on = () => telemetryStatus().enabled;

export const caseTelemetry = {
  alertRaised(caseId: string, rule: string): void {
    if (!on()) return;
    event('case.alert_raised', caseId, { 'alert.rule': rule });
    meters().alerts.add(1, { 'alert.rule': rule });
  },

  investigationCompleted(
    caseId: string,
    round: number,
    risk: number,
    durationMs: number,
    tokens: number,
    usd: number,
  ): void {
    if (!on()) return;
    const level = riskLevel(risk);
    event(
      'case.investigation_completed',
      caseId,
      {
        'case.round': round,
        'case.risk': risk,
        'case.risk_level': level,
        'model.tokens': tokens,
        'model.cost_usd': usd,
      },
      durationMs,
    );
    const m = meters();
    m.investigations.add(1, { 'case.risk_level': level });
    m.investigationDuration.record(durationMs, { 'case.risk_level': level });
    m.tokens.add(tokens);
    m.costUsd.add(usd);
  },

  decisionRecorded(caseId: string, round: number, decision: string): void {
    if (!on()) return;
    event('case.decision_recorded', caseId, { 'case.round': round, 'case.decision': decision });
    meters().decisions.add(1, { 'case.decision': decision });
  },

  actionExecuted(caseId: string, action: string): void {
    if (!on()) return;
    event('case.action_executed', caseId, { 'case.action': action });
    meters().actions.add(1, { 'case.action': action });
  },

  caseClosed(caseId: string, outcome: string): void {
    if (!on()) return;
    event('case.closed', caseId, { 'case.outcome': outcome });
    meters().closed.add(1, { 'case.outcome': outcome });
  },
};

export type CaseTelemetry = typeof caseTelemetry;

/** Tests swap meter providers; this drops instruments bound to the previous one. */
export function resetCaseTelemetryInstruments(): void {
  instruments = undefined;
}
