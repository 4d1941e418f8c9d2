// @ts-check
/* global sessionStorage -- browser globals: these modules run in the page, not in Node */
// The decision form: approve with an allowed action, or reject with feedback; open only while the case
// awaits a decision. Client checks mirror the server's; the server's 400/409 are shown as they come.
import { h, when } from './dom.js';
import { ACTION_LABEL, OUTCOME_LABEL, STAGE_LABEL } from './labels.js';
import { ApiError, postDecision } from './api.js';

const ANALYST_STORAGE = 'dfa.analyst';
const FIELDS = ['decision', 'action', 'feedback', 'analyst'];

const CLOSED_REASON = {
  investigating: (d) =>
    `The specialists are investigating round ${d.round}. The form opens when the case awaits a decision.`,
  executing: () => 'The approved action is being carried out.',
  closed: (d) =>
    `This case is closed${d.outcome ? `: ${OUTCOME_LABEL[d.outcome] ?? d.outcome}` : ''}. No decision can change it.`,
};

export function createDecisionPanel({ onDecided }) {
  const status = h('div', {
    class: 'decision-status',
    role: 'status',
    'aria-live': 'polite',
    id: 'decision-status',
  });
  const title = h('h3', { id: 'decision-title' }, 'Decision');
  const el = h('section', { class: 'panel decision', 'aria-labelledby': 'decision-title' }, title);
  // The form's place: empty once the case is closed (no decision can change it; the outcome says why).
  const formSlot = h('div', { class: 'decision-form-slot' });
  const result = h('div', { class: 'result', id: 'case-result' });
  // Outside the form: a 409 refreshes the case, which rebuilds the form, and the message must stay.
  const general = h('p', { class: 'error', role: 'alert', id: 'decision-error' });
  let formKey;
  let form;

  function fieldError(name) {
    return h('p', { class: 'field-error', id: `err-${name}` });
  }

  function build(d) {
    const awaiting = d.stage === 'awaiting_decision';
    const recommended = d.risk?.recommendedAction ?? d.assessment?.recommendedAction ?? 'lock_account';
    // Rejecting the last round does not start another investigation: the case escalates.
    const lastRound = Boolean(d.maxRounds) && d.round >= d.maxRounds;
    const approve = h('input', {
      type: 'radio',
      name: 'decision',
      id: 'decision-approve',
      value: 'approve',
      checked: true,
    });
    const reject = h('input', { type: 'radio', name: 'decision', id: 'decision-reject', value: 'reject' });
    const action = h(
      'select',
      { id: 'decision-action', name: 'action', 'aria-describedby': 'action-hint err-action' },
      Object.entries(ACTION_LABEL).map(([value, label]) =>
        h('option', { value, selected: value === recommended }, label),
      ),
    );
    const lastRoundWarning = h(
      'p',
      { class: 'warning', id: 'last-round-warning', role: 'note', hidden: true },
      `Round ${d.round} of ${d.maxRounds} is the last. Rejecting it starts no new investigation: the case is escalated (${OUTCOME_LABEL.escalated_max_rounds}) and nothing is done to the account.`,
    );
    const feedback = h('textarea', {
      id: 'decision-feedback',
      name: 'feedback',
      rows: 4,
      'aria-describedby': 'feedback-hint err-feedback',
    });
    const analyst = h('input', {
      id: 'decision-analyst',
      name: 'analyst',
      type: 'text',
      autocomplete: 'name',
      value: sessionStorage.getItem(ANALYST_STORAGE) ?? '',
      'aria-describedby': 'analyst-hint err-analyst',
    });
    const submit = h(
      'button',
      { type: 'submit', class: 'primary', id: 'decision-submit' },
      'Submit decision',
    );

    const f = h(
      'form',
      { id: 'decision-form', dataset: { round: d.round, caseId: d.caseId } },
      h(
        'fieldset',
        { disabled: !awaiting },
        h('legend', {}, `Round ${d.round}${d.maxRounds ? ` of ${d.maxRounds}` : ''}`),
        h(
          'div',
          { class: 'choice', role: 'radiogroup', 'aria-label': 'Decision' },
          h('label', { for: 'decision-approve' }, approve, ' Approve and act'),
          h(
            'label',
            { for: 'decision-reject' },
            reject,
            lastRound ? ' Reject and escalate (last round)' : ' Reject and re-investigate',
          ),
        ),
        lastRound ? lastRoundWarning : null,
        fieldError('decision'),
        h('label', { for: 'decision-action' }, 'Action'),
        h(
          'p',
          { class: 'hint', id: 'action-hint' },
          `Recommended by the investigation: ${ACTION_LABEL[recommended] ?? recommended}.`,
        ),
        action,
        fieldError('action'),
        h('label', { for: 'decision-feedback' }, 'Feedback'),
        h(
          'p',
          { class: 'hint', id: 'feedback-hint' },
          'Required to reject: what should the specialists look at again?',
        ),
        feedback,
        fieldError('feedback'),
        h('label', { for: 'decision-analyst' }, 'Analyst'),
        h(
          'p',
          { class: 'hint', id: 'analyst-hint' },
          'Your name or e-mail. In Azure, the signed-in identity is used instead.',
        ),
        analyst,
        fieldError('analyst'),
        submit,
      ),
      awaiting
        ? null
        : h(
            'p',
            { class: 'hint closed-reason', id: 'decision-closed' },
            (CLOSED_REASON[d.stage] ?? (() => ''))(d),
          ),
    );

    const sync = () => {
      action.disabled = reject.checked;
      lastRoundWarning.hidden = !(lastRound && reject.checked);
      feedback.setCustomValidity(
        reject.checked && feedback.value.trim() === ''
          ? 'Feedback is required to reject: tell the specialists what to look at again.'
          : '',
      );
    };
    approve.addEventListener('change', sync);
    reject.addEventListener('change', sync);
    // The browser's own check blocks the submit; show its message beside the field instead of a bubble.
    feedback.addEventListener('invalid', (e) => {
      e.preventDefault();
      setFieldError(f, 'feedback', feedback.validationMessage);
      feedback.focus();
    });
    feedback.addEventListener('input', () => {
      sync();
      if (feedback.validity.valid) setFieldError(f, 'feedback', '');
    });
    sync();

    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      for (const name of FIELDS) setFieldError(f, name, '');
      general.textContent = '';
      sync();
      // Constraint validation first (unless the form is marked novalidate): the server checks again.
      if (!f.noValidate && !feedback.validity.valid) {
        setFieldError(f, 'feedback', feedback.validationMessage);
        feedback.focus();
        return;
      }
      const body = { decision: reject.checked ? 'reject' : 'approve', round: Number(f.dataset.round) };
      if (approve.checked) body.action = action.value;
      if (feedback.value.trim() !== '') body.feedback = feedback.value;
      if (analyst.value.trim() !== '') {
        body.analyst = analyst.value.trim();
        sessionStorage.setItem(ANALYST_STORAGE, body.analyst);
      }
      submit.disabled = true;
      status.textContent = 'Sending…';
      try {
        const r = await postDecision(f.dataset.caseId, body);
        const what =
          body.decision === 'approve'
            ? `approve — ${ACTION_LABEL[body.action]}`
            : lastRound
              ? 'reject — the last round: the case is escalated'
              : 'reject — re-investigation requested';
        status.textContent = r.body.repeat
          ? `This decision was already recorded for round ${r.body.round} (${what}); nothing was done twice.`
          : `Decision accepted for round ${r.body.round}: ${what}, by ${r.body.analyst}.`;
        status.className = 'decision-status ok';
        f.querySelector('fieldset').disabled = true;
        onDecided();
      } catch (err) {
        submit.disabled = false;
        status.textContent = '';
        showError(f, err);
        if (err instanceof ApiError && err.status === 409) onDecided();
      }
    });
    return f;
  }

  function showError(f, err) {
    if (!(err instanceof ApiError)) {
      general.textContent = `The decision was not sent: ${err.message}. Check the connection and try again.`;
      return;
    }
    const details = err.body?.details;
    if (err.status === 400) {
      general.textContent = `The server refused the decision (400): ${err.message}`;
      for (const d of Array.isArray(details) ? details : []) {
        const name = String(d.path ?? '').split(/[.[]/)[0];
        if (FIELDS.includes(name)) setFieldError(f, name, d.message);
      }
      return;
    }
    if (err.status === 409) {
      const now = details?.stage
        ? ` It is now ${STAGE_LABEL[details.stage] ?? details.stage}, round ${details.round}.`
        : '';
      general.textContent = `Not accepted (409): ${err.message}.${now} Someone else may have decided or the deadline passed; this view has been refreshed.`;
      return;
    }
    if (err.status === 404) {
      general.textContent = 'Not accepted (404): this case no longer exists.';
      return;
    }
    general.textContent = `Not accepted (${err.status}): ${err.message}`;
  }

  function setFieldError(f, name, message) {
    const p = f.querySelector(`#err-${name}`);
    if (p) p.textContent = message;
    const input = f.querySelector(`[name="${name}"]`);
    if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  function renderResult(d) {
    const accepted = (d.decisions ?? []).filter((x) => x.disposition === 'accepted');
    const rows = accepted.map((x) =>
      h(
        'li',
        {},
        `Round ${x.round}: ${x.decision}${x.action ? ` (${ACTION_LABEL[x.action] ?? x.action})` : ''} by ${x.analyst} at ${when(x.decidedAt)}`,
        x.feedback ? h('q', { class: 'feedback-quote' }, x.feedback) : null,
      ),
    );
    const outcome =
      d.stage === 'closed'
        ? h(
            'p',
            { class: `outcome outcome-${d.outcome}` },
            h('strong', {}, 'Completed: '),
            OUTCOME_LABEL[d.outcome] ?? d.outcome ?? 'closed',
            d.action
              ? ` — ${ACTION_LABEL[d.action.action] ?? d.action.action} ${d.action.applied ? 'applied' : 'already applied earlier (not repeated)'} at ${when(d.action.at)}`
              : '',
          )
        : d.stage === 'executing'
          ? h('p', { class: 'outcome' }, 'Executing the approved action…')
          : null;
    result.replaceChildren(
      ...[outcome, rows.length ? h('ul', { class: 'decisions' }, rows) : null].filter(Boolean),
    );
  }

  return {
    el,
    update(d) {
      const closed = d.stage === 'closed';
      const key = `${d.caseId}|${d.round}|${d.stage === 'awaiting_decision'}|${closed}`;
      if (key !== formKey) {
        if (!el.contains(result)) el.append(formSlot, general, status, result);
        form = closed ? undefined : build(d);
        formSlot.replaceChildren(...(form ? [form] : []));
        title.textContent = closed ? 'Outcome' : 'Decision';
        const [prevCase, prevRound] = formKey ? formKey.split('|') : [];
        if (formKey && prevCase !== d.caseId) {
          status.textContent = '';
          general.textContent = '';
        }
        // A new round: the last round's "decision accepted" no longer describes this form (a refusal stays).
        if (formKey && prevCase === d.caseId && prevRound !== String(d.round)) status.textContent = '';
        formKey = key;
      }
      renderResult(d);
    },
  };
}
