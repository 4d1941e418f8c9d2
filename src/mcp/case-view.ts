import type { CaseListPage } from '../api/case-index';
import type { CaseDetail } from '../api/cases';
import type { DecisionRecord, FindingSummary, TimelineEntry } from '../cases/types';
import { ACTION_LABEL, OUTCOME_LABEL, SPECIALIST_LABEL, STAGE_LABEL } from '../cases/labels';
import type { ActionName } from '../investigation/types';

/**
 * What the case-review tools return: a readable text for the model and the same facts as structured
 * content for the MCP App (src/mcp/ui), which renders it. The conversation transcript stays out (it can be
 * tens of kilobytes; the HTTP API and the console show it).
 */
export interface EvidenceView {
  alertId: string;
  rule: string;
  severity: string;
  description: string;
  at?: string;
  round?: number;
}

export interface CaseView
  extends
    Pick<CaseDetail, 'caseId' | 'customerId' | 'rule' | 'stage' | 'outcome' | 'round' | 'maxRounds'>,
    Pick<CaseDetail, 'deadline' | 'openedAt' | 'risk'> {
  reasoning?: string;
  findings: FindingSummary[];
  alert?: EvidenceView;
  evidence: EvidenceView[];
  decisions: DecisionRecord[];
  timeline: TimelineEntry[];
  action?: CaseDetail['action'];
  /** True while the case takes a decision for `round`. */
  awaitingDecision: boolean;
  allowedActions: ActionName[];
}

export type CaseListView = CaseListPage;

const ALLOWED: ActionName[] = ['lock_account', 'refund_charges', 'both', 'clear'];

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function evidenceOf(alert: unknown, extra: { at?: unknown; round?: unknown } = {}): EvidenceView | undefined {
  const a = record(alert);
  if (typeof a['alertId'] !== 'string') return undefined;
  return {
    alertId: a['alertId'],
    rule: String(a['rule'] ?? ''),
    severity: String(a['severity'] ?? ''),
    description: String(a['description'] ?? ''),
    ...(typeof extra.at === 'string'
      ? { at: extra.at }
      : typeof a['detectedAt'] === 'string'
        ? { at: a['detectedAt'] }
        : {}),
    ...(typeof extra.round === 'number' ? { round: extra.round } : {}),
  };
}

export function caseView(detail: CaseDetail): CaseView {
  const assessment = record(detail.assessment);
  const maxRounds =
    record(record(detail as unknown)['settings'])['maxRounds'] ?? record(detail as unknown)['maxRounds'];
  const alert = evidenceOf(detail.alert);
  return {
    caseId: detail.caseId,
    customerId: detail.customerId,
    rule: detail.rule,
    stage: detail.stage,
    ...(detail.outcome ? { outcome: detail.outcome } : {}),
    round: detail.round,
    ...(typeof maxRounds === 'number' ? { maxRounds } : {}),
    ...(detail.deadline ? { deadline: detail.deadline } : {}),
    openedAt: detail.openedAt,
    ...(detail.risk ? { risk: detail.risk } : {}),
    ...(typeof assessment['reasoning'] === 'string' ? { reasoning: assessment['reasoning'] } : {}),
    findings: detail.findings,
    ...(alert ? { alert } : {}),
    evidence: detail.evidence
      .map((e) => evidenceOf(record(e)['alert'], { at: record(e)['at'], round: record(e)['round'] }))
      .filter((e): e is EvidenceView => e !== undefined),
    decisions: detail.decisions,
    timeline: detail.timeline,
    ...(detail.action ? { action: detail.action } : {}),
    awaitingDecision: detail.stage === 'awaiting_decision',
    allowedActions: ALLOWED,
  };
}

function hoursLeft(deadline: string, now: number): string {
  const ms = Date.parse(deadline) - now;
  if (!(ms > 0)) return 'deadline passed';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `${h} h ${m} min left`;
}

/** The case as a few lines a model (or a person in a chat) can act on. */
export function caseText(v: CaseView, now = Date.now()): string {
  const lines = [
    `Case ${v.caseId} — customer ${v.customerId}, rule ${v.rule}.`,
    `Stage: ${STAGE_LABEL[v.stage]}${v.outcome ? ` (${OUTCOME_LABEL[v.outcome]})` : ''}; round ${v.round}${v.maxRounds ? ` of ${v.maxRounds}` : ''}.`,
  ];
  if (v.deadline && v.awaitingDecision)
    lines.push(`Deadline: ${v.deadline} (${hoursLeft(v.deadline, now)}).`);
  if (v.risk)
    lines.push(
      `Risk ${v.risk.score.toFixed(2)} ${v.risk.level}; recommended: ${ACTION_LABEL[v.risk.recommendedAction]}${v.risk.degraded ? ' (degraded: a specialist failed)' : ''}.`,
    );
  for (const f of v.findings)
    lines.push(
      `- ${SPECIALIST_LABEL[f.specialist]} ${f.riskScore.toFixed(2)}: ${f.summary}${f.evidence.length ? ` [${f.evidence.join('; ')}]` : ''}`,
    );
  if (v.alert) lines.push(`Alert: ${v.alert.severity} ${v.alert.rule} — ${v.alert.description}`);
  if (v.evidence.length > 0)
    lines.push(`Later evidence: ${v.evidence.map((e) => `${e.rule} (${e.severity})`).join(', ')}.`);
  for (const d of v.decisions.filter((x) => x.disposition === 'accepted'))
    lines.push(`Decision round ${d.round}: ${d.decision}${d.action ? ` ${d.action}` : ''} by ${d.analyst}.`);
  if (v.action)
    lines.push(
      `Action: ${ACTION_LABEL[v.action.action]} (${v.action.applied ? 'applied' : 'not applied'}, key ${v.action.idempotencyKey}).`,
    );
  if (v.awaitingDecision)
    lines.push(
      `To decide, call decide_case with caseId "${v.caseId}", round ${v.round}, and decision "approve" with an action (${v.allowedActions.join(', ')}) or "reject" with feedback for a new round.`,
    );
  return lines.join('\n');
}

export function caseListText(list: CaseListView, now = Date.now()): string {
  if (list.count === 0) return 'No cases match.';
  const of = list.total !== undefined ? ` of ${list.total}` : '';
  return [
    `${list.count}${of} case${list.count === 1 ? '' : 's'}:`,
    ...list.cases.map(
      (c) =>
        `- ${c.caseId} customer ${c.customerId} ${STAGE_LABEL[c.stage]}${c.outcome ? ` (${OUTCOME_LABEL[c.outcome]})` : ''}, round ${c.round}${c.risk ? `, risk ${c.risk.score.toFixed(2)} ${c.risk.level}` : ''}${c.deadline ? `, ${hoursLeft(c.deadline, now)}` : ''}`,
    ),
    ...(list.nextCursor ? [`More: call list_cases again with cursor "${list.nextCursor}".`] : []),
  ].join('\n');
}
