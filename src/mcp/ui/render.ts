/**
 * DOM rendering of the case-review view. Case data is untrusted (it quotes telemetry and model output):
 * it only ever goes into textContent and attribute values, never into HTML.
 */
import { ACTION_LABEL, OUTCOME_LABEL, SPECIALIST_LABEL, STAGE_LABEL } from '../../cases/labels';
import type { CaseListView, CaseView } from '../case-view';

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { text?: string; className?: string; title?: string } = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.text !== undefined) node.textContent = props.text;
  if (props.className) node.className = props.className;
  if (props.title) node.title = props.title;
  for (const c of children) node.append(c);
  return node;
}

export function show(section: 'loading' | 'list' | 'case' | 'failure'): void {
  for (const id of ['loading', 'list', 'case', 'failure']) $(id).hidden = id !== section;
}

/** `71:59:08 left` (hours may exceed 24), or `deadline passed`. */
export function countdownText(deadline: string, now: number): string {
  const ms = Date.parse(deadline) - now;
  if (!(ms > 0)) return 'deadline passed';
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)} left`;
}

function riskClass(level: string | undefined): string {
  return `risk risk-${level ?? 'none'}`;
}

export function renderList(list: CaseListView, open: (caseId: string) => void): void {
  const body = $('list-rows');
  body.replaceChildren();
  $('list-count').textContent = `${list.count} case${list.count === 1 ? '' : 's'}`;
  for (const c of list.cases) {
    const button = el('button', { text: 'Open', className: 'open' });
    button.type = 'button';
    button.dataset['caseId'] = c.caseId;
    button.addEventListener('click', () => open(c.caseId));
    body.append(
      el(
        'tr',
        {},
        el('td', { text: c.caseId, className: 'id' }),
        el('td', { text: c.customerId }),
        el('td', { text: c.outcome ? OUTCOME_LABEL[c.outcome] : STAGE_LABEL[c.stage] }),
        el('td', {
          text: c.risk ? `${c.risk.score.toFixed(2)} ${c.risk.level}` : '–',
          className: riskClass(c.risk?.level),
        }),
        el('td', { text: c.deadline ?? '' }),
        el('td', {}, button),
      ),
    );
  }
  show('list');
}

export function renderCase(v: CaseView): void {
  $('case-id').textContent = v.caseId;
  $('case-customer').textContent = `customer ${v.customerId} · rule ${v.rule}`;
  const stage = $('case-stage');
  stage.textContent = v.outcome ? OUTCOME_LABEL[v.outcome] : STAGE_LABEL[v.stage];
  stage.className = `badge stage-${v.stage}`;
  $('case-round').textContent = `round ${v.round}${v.maxRounds ? ` of ${v.maxRounds}` : ''}`;

  const risk = $('risk');
  risk.className = riskClass(v.risk?.level);
  $('risk-score').textContent = v.risk ? v.risk.score.toFixed(2) : '–';
  $('risk-level').textContent = v.risk ? v.risk.level : 'not assessed yet';
  $('risk-bar').style.width = `${Math.round((v.risk?.score ?? 0) * 100)}%`;
  $('risk-action').textContent = v.risk
    ? `recommended: ${ACTION_LABEL[v.risk.recommendedAction]}${v.risk.degraded ? ' · degraded (a specialist failed)' : ''}`
    : '';
  $('reasoning').textContent = v.reasoning ?? '';

  const findings = $('findings');
  findings.replaceChildren(
    ...v.findings.map((f) =>
      el(
        'li',
        { className: 'finding' },
        el(
          'div',
          { className: 'finding-head' },
          el('strong', { text: SPECIALIST_LABEL[f.specialist] }),
          el('span', { text: f.riskScore.toFixed(2), className: 'score' }),
        ),
        el('p', { text: f.summary }),
        el('ul', { className: 'evidence-lines' }, ...f.evidence.map((e) => el('li', { text: e }))),
      ),
    ),
  );
  $('findings-empty').hidden = v.findings.length > 0;

  const alerts = [
    ...(v.alert ? [{ ...v.alert, label: 'opening alert' }] : []),
    ...v.evidence.map((e) => ({ ...e, label: `round ${e.round ?? '?'}` })),
  ];
  $('evidence').replaceChildren(
    ...alerts.map((a) =>
      el(
        'li',
        {},
        el('span', { text: `${a.severity} ${a.rule}`, className: `sev sev-${a.severity}` }),
        ` ${a.description} `,
        el('small', { text: `(${a.label}${a.at ? `, ${a.at}` : ''})` }),
      ),
    ),
  );

  $('decisions').replaceChildren(
    ...v.decisions.map((d) =>
      el('li', {
        text: `round ${d.round}: ${d.decision}${d.action ? ` ${ACTION_LABEL[d.action]}` : ''}${d.feedback ? ` — “${d.feedback}”` : ''} by ${d.analyst} (${d.disposition})`,
      }),
    ),
  );
  $('decisions-empty').hidden = v.decisions.length > 0;
  $('action-taken').textContent = v.action
    ? `Action: ${ACTION_LABEL[v.action.action]} (${v.action.applied ? 'applied' : 'not applied'}, key ${v.action.idempotencyKey})`
    : '';

  const form = $<HTMLFormElement>('decide');
  form.hidden = !v.awaitingDecision;
  const select = $<HTMLSelectElement>('action');
  if (select.options.length === 0)
    for (const a of v.allowedActions) select.append(new Option(ACTION_LABEL[a], a));
  if (v.risk) select.value = v.risk.recommendedAction;
  $('last-round').hidden = !(v.maxRounds !== undefined && v.round >= v.maxRounds);
  show('case');
}
