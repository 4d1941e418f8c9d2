// @ts-check
// The customer behind a case: their other cases, newest first, and how each ended (from the case index).
import { ApiError, listCases } from './api.js';
import { ago, h, riskBadge, stageBadge, when } from './dom.js';
import { OUTCOME_LABEL, RULE_LABEL } from './labels.js';

const EARLIER = 20;

export function createCustomerPanel() {
  const el = h('section', {
    class: 'panel customer',
    'aria-labelledby': 'customer-title',
    dataset: { part: 'customer' },
  });
  let loadedFor = '';

  async function load(d) {
    const key = `${d.caseId}|${d.stage}`;
    if (key === loadedFor) return;
    loadedFor = key;
    el.replaceChildren(
      h('h3', { id: 'customer-title' }, `Customer ${d.customerId}`),
      h('p', { class: 'muted' }, 'Loading their cases…'),
    );
    try {
      const r = await listCases({ customerId: d.customerId, status: '', sort: 'opened', limit: EARLIER + 1 });
      if (loadedFor !== key) return;
      render(d, r.cases.filter((c) => c.caseId !== d.caseId).slice(0, EARLIER), r.total);
    } catch (err) {
      if (loadedFor !== key) return;
      loadedFor = '';
      el.replaceChildren(
        h('h3', { id: 'customer-title' }, `Customer ${d.customerId}`),
        h(
          'p',
          { class: 'error' },
          `Could not load their cases${err instanceof ApiError ? ` (${err.status})` : ''}: ${err.message}`,
        ),
      );
    }
  }

  function render(d, earlier, total) {
    const outcomes = new Map();
    for (const c of earlier) if (c.outcome) outcomes.set(c.outcome, (outcomes.get(c.outcome) ?? 0) + 1);
    const tally = [...outcomes].map(([o, n]) => `${n} ${OUTCOME_LABEL[o] ?? o}`).join(', ');
    const count = total === undefined ? earlier.length : Math.max(0, total - 1);
    const nodes = [
      h('h3', { id: 'customer-title' }, `Customer ${d.customerId}`),
      h(
        'p',
        { class: 'customer-summary', id: 'customer-summary' },
        count === 0
          ? 'No other case for this customer.'
          : `${count} other case${count === 1 ? '' : 's'}${tally ? `: ${tally}` : ''}.`,
      ),
      earlier.length
        ? h(
            'ol',
            { class: 'earlier-cases', id: 'earlier-cases' },
            earlier.map((c) =>
              h(
                'li',
                { dataset: { caseId: c.caseId } },
                h('a', { href: `#/cases/${encodeURIComponent(c.caseId)}` }, RULE_LABEL[c.rule] ?? c.rule),
                ' ',
                h('time', { datetime: c.openedAt, title: when(c.openedAt) }, ago(c.openedAt)),
                h(
                  'span',
                  { class: 'earlier-badges' },
                  stageBadge(c.stage, c.outcome),
                  ' ',
                  riskBadge(c.risk),
                ),
              ),
            ),
          )
        : null,
    ];
    el.replaceChildren(...nodes.filter(Boolean));
  }

  return {
    el,
    update(d) {
      void load(d);
    },
  };
}
