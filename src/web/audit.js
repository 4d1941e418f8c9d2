// @ts-check
// The audit of a case, from the case record (it outlives the scheduler's purge): every decision with the
// analyst who made it, every ledger entry with its idempotency key, every outbound message and its state.
import { breakable, h, usd, when } from './dom.js';
import { ACTION_LABEL } from './labels.js';

const DELIVERY_KIND = {
  awaiting_decision: 'analyst asked to decide',
  escalated: 'escalation to an analyst',
  auto_cleared: 'auto-clear notice',
  closed: 'closing notice',
  action: 'action to the bank',
};
const DELIVERY_STATE = {
  delivered: 'delivered',
  failed: 'failed',
  not_configured: 'no webhook configured',
};
const DISPOSITION = { accepted: 'accepted', stale: 'ignored: another round', duplicate: 'ignored: repeat' };

/** One audit line: what happened (strong), then label/value facts. */
function item(kind, title, facts) {
  return h(
    'li',
    { class: `audit-item audit-${kind}`, dataset: { kind } },
    h('p', { class: 'audit-title' }, title),
    h(
      'dl',
      { class: 'audit-facts' },
      facts
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
  );
}

function decisions(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No decision yet.');
  return h(
    'ol',
    { class: 'audit-list', id: 'audit-decisions' },
    list.map((d) =>
      item(
        'decision',
        [
          h('strong', {}, d.analyst),
          ` ${d.decision === 'approve' ? 'approved' : 'rejected'} round ${d.round}`,
          d.action ? ` — ${ACTION_LABEL[d.action] ?? d.action}` : '',
        ],
        [
          ['Feedback', d.feedback],
          ['When', when(d.decidedAt)],
          ['Taken', DISPOSITION[d.disposition] ?? d.disposition],
          ['Decision id', h('code', {}, breakable(d.decisionId))],
        ],
      ),
    ),
  );
}

function ledger(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No ledger entry: nothing was applied to the account.');
  return h(
    'ol',
    { class: 'audit-list', id: 'audit-ledger' },
    list.map((e) =>
      item(
        'ledger',
        [h('strong', {}, ACTION_LABEL[e.action] ?? e.action), e.amount ? ` ${usd(e.amount)}` : ''],
        [
          ['Idempotency key', h('code', { class: 'idem-key' }, breakable(e.idempotencyKey))],
          ['Approved by', e.analyst],
          ['Applied', when(e.at)],
          ['Ledger entry', `#${e.sequence}`],
        ],
      ),
    ),
  );
}

function deliveries(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No outbound message yet.');
  return h(
    'ol',
    { class: 'audit-list', id: 'audit-deliveries' },
    list.map((d) =>
      item(
        'delivery',
        [
          h('strong', {}, DELIVERY_KIND[d.kind] ?? d.kind),
          ' ',
          h(
            'span',
            { class: `badge delivery-${d.state}`, dataset: { state: d.state } },
            DELIVERY_STATE[d.state] ?? d.state,
          ),
        ],
        [
          ['To', d.target],
          ['HTTP status', d.httpStatus === undefined ? undefined : String(d.httpStatus)],
          ['Attempts', d.state === 'not_configured' ? undefined : String(d.attempts)],
          ['Last attempt', when(d.lastAttemptAt)],
          ['Error', d.state === 'failed' ? d.error : undefined],
          ['Idempotency key', h('code', {}, breakable(d.idempotencyKey))],
        ],
      ),
    ),
  );
}

export function auditPanel(d) {
  const audit = d.audit ?? { decisions: [], ledger: [], deliveries: [] };
  return h(
    'section',
    { class: 'panel audit', 'aria-labelledby': 'audit-title', dataset: { part: 'audit' } },
    h('h3', { id: 'audit-title' }, 'Audit'),
    d.source === 'record'
      ? h(
          'p',
          { class: 'hint', id: 'audit-purged' },
          'The workflow instance has been purged after its retention period; this view is the case record.',
        )
      : null,
    h('h4', {}, 'Decisions'),
    decisions(audit.decisions),
    h('h4', {}, 'Account ledger'),
    ledger(audit.ledger),
    h('h4', {}, 'Outbound messages'),
    deliveries(audit.deliveries),
  );
}
