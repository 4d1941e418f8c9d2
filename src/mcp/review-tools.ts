import type * as df from 'durable-functions';
import { validCaseListQuery } from '../api/case-index';
import { ApiError } from '../api/errors';
import {
  listCaseSummaries,
  readCase,
  submitDecision,
  validCaseId,
  type DecisionOutcome,
} from '../api/review';
import { ActionName, RiskLevel } from '../investigation/types';
import { SortKey } from '../records/types';
import { Outcome, Stage } from '../review/types';
import { caseListText, caseText, caseView, type CaseListView, type CaseView } from './case-view';
import { mcpAnalyst } from './identity';
import { ReviewTools, type ReviewToolName } from './names';
import type { ToolCall } from './trigger';

/**
 * The case-review tools: their MCP definitions (the extension's tool property format, enums included)
 * and handlers that call the same functions as the HTTP API (src/api/review.ts). A handler never throws
 * for bad input: a 400/404/409 becomes an error outcome the model can read and correct.
 */
export interface ToolProperty {
  propertyName: string;
  propertyType: 'string' | 'integer' | 'number' | 'boolean' | 'object';
  description: string;
  isRequired: boolean;
  isArray: boolean;
  /** Read by the extension (McpToolPropertyAttribute.EnumValues) and listed as the schema's `enum`. */
  enumValues?: string[];
}

const property = (
  propertyName: string,
  propertyType: ToolProperty['propertyType'],
  description: string,
  opts: { required?: boolean; enum?: readonly string[] } = {},
): ToolProperty => ({
  propertyName,
  propertyType,
  description,
  isRequired: opts.required ?? false,
  isArray: false,
  ...(opts.enum ? { enumValues: [...opts.enum] } : {}),
});

export interface ReviewToolDefinition {
  name: ReviewToolName;
  description: string;
  properties: ToolProperty[];
}

export const reviewToolDefinitions: Record<'listCases' | 'getCase' | 'decideCase', ReviewToolDefinition> = {
  listCases: {
    name: ReviewTools.listCases,
    description:
      'List fraud cases from the case index: id, customer, stage, round, risk and decision deadline. For the work queue use status "awaiting_decision" with sort "deadline" (soonest first). Pages: pass nextCursor back as cursor.',
    properties: [
      property('status', 'string', 'Only cases in this stage ("open" = not closed).', {
        enum: [...Stage.options, 'open'],
      }),
      property('outcome', 'string', 'Only closed cases with this outcome.', { enum: Outcome.options }),
      property('riskLevel', 'string', 'Only cases at this risk level.', { enum: RiskLevel.options }),
      property('rule', 'string', 'Only cases opened by this detection rule, e.g. "large_transaction".'),
      property('customerId', 'string', 'Only this customer\'s cases, e.g. "C013".'),
      property('q', 'string', 'Search: the start of a customer id or case id.'),
      property(
        'sort',
        'string',
        'deadline (soonest first), risk (highest first) or opened (newest first, default).',
        {
          enum: SortKey.options,
        },
      ),
      property('limit', 'integer', 'At most this many cases (1-500, default 50).'),
      property('cursor', 'string', 'The nextCursor of the previous page.'),
    ],
  },
  getCase: {
    name: ReviewTools.getCase,
    description:
      "Read one fraud case: stage, round, deadline, risk and recommended action, each specialist's findings and evidence, the alerts, decisions and timeline.",
    properties: [property('caseId', 'string', 'The case id, e.g. "case-C013-…".', { required: true })],
  },
  decideCase: {
    name: ReviewTools.decideCase,
    description:
      'Decide a case awaiting a decision, for its current round: approve with an action (executed once, idempotently), or reject with feedback to start a new investigation round (rejecting in the last round escalates). A repeat of an accepted decision changes nothing; a decision for another round is refused.',
    properties: [
      property('caseId', 'string', 'The case id.', { required: true }),
      property('decision', 'string', 'approve or reject.', { required: true, enum: ['approve', 'reject'] }),
      property('round', 'integer', 'The round being decided (from get_case).', { required: true }),
      property('action', 'string', 'With approve: the action to take.', { enum: ActionName.options }),
      property('feedback', 'string', 'With reject: what the next round should check.'),
      property(
        'analyst',
        'string',
        'Your name. Recorded as unverified unless the server identifies you (App Service Authentication).',
      ),
    ],
  },
};

export type ToolOutcome =
  | { ok: true; text: string; structured?: Record<string, unknown> }
  | { ok: false; text: string; structured: { error: string; status: number; details?: unknown } };

/** Turns the API's errors into an outcome the model reads; anything else is a real failure (rethrown). */
async function outcome(run: () => Promise<ToolOutcome>): Promise<ToolOutcome> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const details = err.details === undefined ? '' : ` ${JSON.stringify(err.details)}`;
    return {
      ok: false,
      text: `Refused (${err.status}): ${err.message}.${details}`,
      structured: {
        error: err.message,
        status: err.status,
        ...(err.details !== undefined ? { details: err.details } : {}),
      },
    };
  }
}

/**
 * The case once the orchestration has taken the decision — left this round's wait, and finished an
 * approved action — read again for up to 3 s; after that, the view as it stands (the decision is
 * recorded either way; a rejected round's new investigation is not waited for).
 */
async function settledView(client: df.DurableClient, caseId: string, round: number): Promise<CaseView> {
  const until = Date.now() + 3000;
  for (let delay = 25; ; delay = Math.min(delay * 2, 400)) {
    const view = caseView(await readCase(client, caseId));
    const pending = (view.awaitingDecision && view.round === round) || view.stage === 'executing';
    if (!pending || Date.now() >= until) return view;
    await new Promise((r) => setTimeout(r, delay));
  }
}

export function listCasesTool(client: df.DurableClient, call: ToolCall): Promise<ToolOutcome> {
  return outcome(async () => {
    // The HTTP API's query validation (src/api/case-index.ts), on the arguments as given.
    const list: CaseListView = await listCaseSummaries(client, validCaseListQuery(call.args));
    return { ok: true, text: caseListText(list), structured: { ...list } };
  });
}

export function getCaseTool(client: df.DurableClient, call: ToolCall): Promise<ToolOutcome> {
  return outcome(async () => {
    const view: CaseView = caseView(await readCase(client, call.args['caseId']));
    return { ok: true, text: caseText(view), structured: { case: view } };
  });
}

export function decideCaseTool(client: df.DurableClient, call: ToolCall): Promise<ToolOutcome> {
  return outcome(async () => {
    const caseId = validCaseId(call.args['caseId']);
    const { caseId: _omit, ...body } = call.args;
    const result: DecisionOutcome = await submitDecision(client, caseId, body, (claimed) =>
      mcpAnalyst(call.headers, claimed),
    );
    const view = await settledView(client, caseId, result.body.round);
    const what = result.status === 200 ? 'Already recorded' : 'Accepted';
    return {
      ok: true,
      text: `${what}: ${String(body['decision'])} for round ${result.body.round} of ${caseId} by ${result.body.analyst} (decision ${result.body.decisionId}).\n\n${caseText(view)}`,
      structured: { decision: { ...result.body, repeat: result.status === 200 }, case: view },
    };
  });
}
