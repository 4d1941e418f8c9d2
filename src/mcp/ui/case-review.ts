/**
 * The case-review MCP App (runs in the MCP client's sandboxed iframe). It renders what the case-review
 * tools return — a case list or one case — and decides through the same tools, over the host's MCP
 * connection (App.callServerTool); it has no network access of its own.
 */
import {
  App,
  applyDocumentTheme,
  applyHostStyleVariables,
  type McpUiHostContext,
} from '@modelcontextprotocol/ext-apps';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CaseListView, CaseView } from '../case-view';
import { ReviewTools } from '../names';
import { $, countdownText, renderCase, renderList, show } from './render';

const app = new App({ name: 'fraud-case-review', version: '1.0.0' });
let current: CaseView | undefined;

function status(text: string, kind: 'info' | 'ok' | 'error' = 'info'): void {
  const s = $('decision-status');
  s.textContent = text;
  s.className = `status status-${kind}`;
}

function textOf(result: CallToolResult): string {
  return result.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
}

/** Any case-review tool result: a case, a list, or a refusal. */
function handle(result: CallToolResult): void {
  const data = (result.structuredContent ?? {}) as {
    case?: CaseView;
    cases?: CaseListView['cases'];
    count?: number;
  };
  if (result.isError) {
    if (current) status(textOf(result), 'error');
    else {
      $('failure-text').textContent = textOf(result);
      show('failure');
    }
    return;
  }
  if (data.case) {
    current = data.case;
    renderCase(data.case);
    tick();
    followUp(data.case);
  } else if (data.cases)
    renderList({ cases: data.cases, count: data.count ?? data.cases.length }, (id) => void openCase(id));
}

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await app.callServerTool({ name, arguments: args })) as CallToolResult;
}

async function openCase(caseId: string): Promise<void> {
  show('loading');
  $('loading').textContent = `Opening ${caseId}…`;
  handle(await call(ReviewTools.getCase, { caseId }));
}

async function decide(decision: 'approve' | 'reject'): Promise<void> {
  if (!current) return;
  const feedback = $<HTMLTextAreaElement>('feedback').value.trim();
  if (decision === 'reject' && feedback === '') {
    status('Rejecting needs feedback: what should the next round check?', 'error');
    $('feedback').focus();
    return;
  }
  const analyst = $<HTMLInputElement>('analyst').value.trim();
  const args: Record<string, unknown> = {
    caseId: current.caseId,
    decision,
    round: current.round,
    ...(decision === 'approve' ? { action: $<HTMLSelectElement>('action').value } : { feedback }),
    ...(analyst ? { analyst } : {}),
  };
  setBusy(true);
  status(decision === 'approve' ? 'Approving…' : 'Rejecting…');
  try {
    const result = await call(ReviewTools.decideCase, args);
    handle(result);
    if (!result.isError) {
      const d = (result.structuredContent as { decision?: { repeat?: boolean; analyst?: string } }).decision;
      status(
        `${d?.repeat ? 'Already recorded' : decision === 'approve' ? 'Approved' : 'Rejected'} as ${d?.analyst ?? 'you'}.`,
        'ok',
      );
      $<HTMLTextAreaElement>('feedback').value = '';
    }
  } catch (err) {
    status(`The decision did not go through: ${err instanceof Error ? err.message : String(err)}`, 'error');
  } finally {
    setBusy(false);
  }
}

/** While the case works (an action executing, a new round investigating), read it again now and then. */
let follow: ReturnType<typeof setTimeout> | undefined;
let followed = 0;
function followUp(v: CaseView): void {
  clearTimeout(follow);
  if (v.stage !== 'executing' && v.stage !== 'investigating') {
    followed = 0;
    return;
  }
  if (followed++ >= 40) return;
  follow = setTimeout(() => {
    if (current?.caseId === v.caseId)
      void call(ReviewTools.getCase, { caseId: v.caseId }).then(handle, () => undefined);
  }, 3000);
}

function setBusy(busy: boolean): void {
  for (const id of ['approve', 'reject', 'refresh']) $<HTMLButtonElement>(id).disabled = busy;
}

function tick(): void {
  const out = $('countdown');
  if (!current?.deadline || !current.awaitingDecision) {
    out.textContent = current?.awaitingDecision === false ? 'no decision pending' : '';
    return;
  }
  const text = countdownText(current.deadline, Date.now());
  out.textContent = `${text} · deadline ${current.deadline}`;
  out.classList.toggle('urgent', Date.parse(current.deadline) - Date.now() < 6 * 3_600_000);
}

function applyHostContext(ctx: McpUiHostContext | undefined): void {
  if (ctx?.theme) applyDocumentTheme(ctx.theme);
  if (ctx?.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
}

app.ontoolinput = ({ arguments: args }) => {
  if (!current && typeof args?.['caseId'] === 'string')
    $('loading').textContent = `Loading ${args['caseId']}…`;
};
app.ontoolresult = (result) => handle(result as CallToolResult);
app.onhostcontextchanged = (ctx) => applyHostContext(ctx);

$('approve').addEventListener('click', () => void decide('approve'));
$('reject').addEventListener('click', () => void decide('reject'));
$('refresh').addEventListener('click', () => {
  if (current) void openCase(current.caseId);
});
$<HTMLFormElement>('decide').addEventListener('submit', (e) => e.preventDefault());
setInterval(tick, 1000);

void app.connect().then(() => applyHostContext(app.getHostContext()));
