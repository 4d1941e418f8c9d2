import type * as df from 'durable-functions';
import { config, dashboardUrl } from '../config';
import { findInstance, type InstanceLike } from '../durable/client';
import { inboxOf } from '../cases/routing';
import { caseSession, customerProfile, type SessionState } from '../durable/entities';
import { readEntity } from '../durable/typed';
import { Events } from '../names';
import { caseRecords } from '../records';
import { backfillOnce, listCases, type CaseListPage, type CaseListQuery } from './case-index';
import {
  readCaseFrom,
  submitDecisionTo,
  validCaseId,
  type CaseSources,
  type DecisionReply,
  type DecisionSources,
} from './case-read';
import { isCaseInstance, type CaseDetail } from './cases';
import { notFound } from './errors';
import type { AnalystIdentity } from './principal';

export { validCaseId };

/**
 * Case review — list, read, decide — for every channel that offers it (the HTTP API and the MCP tools):
 * one implementation of the validation, idempotency, round checks and audit, transport-neutral. Bad
 * input, unknown cases and conflicts are thrown as ApiErrors (400/404/409) for the channel to render.
 * The list and the record of a purged case come from the case-record store (src/records); a live case
 * from its instance.
 */

/** Where a case is read from: its instance and session through the durable client, and its record. */
export function reviewSources(client: df.DurableClient): CaseSources & DecisionSources {
  const cfg = config();
  return {
    instance: (id) => findInstance(client, id),
    session: (id) => sessionWithInbox(client, id),
    dashboardUrl: (id) => dashboardUrl(cfg, id),
    records: caseRecords(cfg),
    raise: (id, event) => client.raiseEvent(id, Events.analystDecision, event),
  };
}

/**
 * The case's session, and the alerts waiting in its inbox (routed to it, not read yet) as evidence of the
 * current round: the analyst sees a new alert at once, the case weighs it at its next step. A missing or
 * unreadable session or profile leaves what could be read.
 */
async function sessionWithInbox(client: df.DurableClient, caseId: string): Promise<SessionState> {
  const session = await readEntity(client, caseSession, caseId).catch(() => undefined);
  if (!session || !('schemaVersion' in session)) return session;
  const profile = await readEntity(client, customerProfile, session.customerId).catch(() => undefined);
  const waiting = inboxOf(profile, caseId).filter(
    (a) => !session.evidence.some((e) => e.alert.alertId === a.alertId),
  );
  if (waiting.length === 0) return session;
  // The round the analyst is looking at: the latest recorded (the case files it under its own round on reading).
  const round = session.rounds.at(-1)?.round ?? 1;
  return {
    ...session,
    evidence: [...session.evidence, ...waiting.map((alert) => ({ round, alert, at: alert.detectedAt }))],
  };
}

/** A case instance by id, or 404. */
export async function caseInstance(client: df.DurableClient, caseId: unknown): Promise<InstanceLike> {
  const id = validCaseId(caseId);
  const instance = await findInstance(client, id);
  if (!instance || !isCaseInstance(instance)) throw notFound(`no case with id '${id}'`);
  return instance;
}

/** One page of the case index for a validated query (see parseCaseListQuery / validCaseListQuery). */
export async function listCaseSummaries(client: df.DurableClient, q: CaseListQuery): Promise<CaseListPage> {
  const records = caseRecords();
  await backfillOnce(records, async () => (await client.getStatusAll()) as unknown as InstanceLike[]);
  return listCases(records, q);
}

/** One case: live from its instance (or its record once purged), with its session and audit. */
export function readCase(client: df.DurableClient, caseId: unknown): Promise<CaseDetail> {
  return readCaseFrom(reviewSources(client), caseId);
}

export type DecisionOutcome = DecisionReply;

/**
 * Raises the analyst's decision when the case awaits one for that round; a repeat of an accepted decision
 * is answered (200) without a second event; otherwise 409. Checks run in this order: the case id (404),
 * the body (400), the case itself (404), the verdict (409). `identify` names the analyst from the
 * channel's credentials, given the body's `analyst` claim.
 */
export function submitDecision(
  client: df.DurableClient,
  caseId: unknown,
  body: unknown,
  identify: (claimed: string | undefined) => AnalystIdentity,
): Promise<DecisionOutcome> {
  return submitDecisionTo(reviewSources(client), caseId, body, identify, new Date().toISOString());
}
