import { z } from 'zod';
import { Outcome, Stage, DecisionRequest } from '../review/types';
import { RiskLevel } from '../investigation/types';
import { SortKey } from '../records/types';
import { ManualCaseRequest } from './manual-case';
import { ApiRoutes, PageRoutes, type ApiRoute, type ApiRouteKey } from './routes';
import { TelemetryBatch } from './telemetry';

/**
 * OpenAPI 3.1 for the HTTP API. Request schemas come from the same zod schemas the handlers validate
 * with; response schemas are declared here (the API tests validate real responses against them).
 */
export const ErrorBodySchema = z.object({ error: z.string(), details: z.unknown().optional() });

const Usage = z.object({ tokens: z.number(), usd: z.number() });
const Risk = z.object({
  score: z.number(),
  level: z.string(),
  recommendedAction: z.string(),
  degraded: z.boolean(),
});

export const TelemetryAcceptedSchema = z.object({
  accepted: z.number().int(),
  customers: z.number().int(),
  flagged: z.number().int(),
  alerts: z.array(
    z.object({
      alertId: z.string(),
      rule: z.string(),
      severity: z.string(),
      customerId: z.string(),
      caseId: z.string().optional(),
      attachedTo: z.string().optional(),
    }),
  ),
  ingestInstanceIds: z.array(z.string()),
  pending: z.array(z.string()),
  failed: z.array(z.string()),
});

export const CaseCreatedSchema = z
  .object({
    caseId: z.string(),
    alertId: z.string(),
    created: z.boolean(),
    statusUrl: z.string(),
    decisionUrl: z.string(),
  })
  .strict();

export const CaseSummarySchema = z.object({
  caseId: z.string(),
  customerId: z.string(),
  rule: z.string(),
  stage: Stage,
  outcome: Outcome.optional(),
  round: z.number().int(),
  risk: Risk.optional(),
  deadline: z.string().optional(),
  openedAt: z.string(),
  lastUpdatedAt: z.string(),
  runtimeStatus: z.string(),
  usage: Usage,
});

export const CaseListSchema = z.object({
  cases: z.array(CaseSummarySchema),
  count: z.number().int(),
  total: z.number().int().optional(),
  nextCursor: z.string().optional(),
});

const AuditSchema = z.object({
  decisions: z.array(
    z.object({ caseId: z.string(), decisionId: z.string(), analyst: z.string() }).catchall(z.unknown()),
  ),
  ledger: z.array(
    z
      .object({ caseId: z.string(), idempotencyKey: z.string(), action: z.string(), at: z.string() })
      .catchall(z.unknown()),
  ),
  deliveries: z.array(
    z
      .object({
        caseId: z.string(),
        idempotencyKey: z.string(),
        kind: z.string(),
        state: z.enum(['delivered', 'failed', 'not_configured']),
        attempts: z.number().int(),
      })
      .catchall(z.unknown()),
  ),
});

const ExplanationSchema = z.object({
  kind: z.string(),
  ref: z.string(),
  detail: z.string(),
  covers: z.array(z.string()),
});
const FindingSummarySchema = z.object({
  specialist: z.string(),
  riskScore: z.number(),
  summary: z.string(),
  evidence: z.array(z.string()).optional(),
  degraded: z.boolean(),
  /** Benign explanations found in the data and verified by code, with the alert ids each covers. */
  explanations: z.array(ExplanationSchema).optional(),
  /** The live events (from the account's live record) the specialist's findings rest on. */
  liveEvidence: z
    .array(z.object({ id: z.string(), at: z.string(), type: z.string(), text: z.string() }))
    .optional(),
});

export const TimelineItemSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    source: z.enum(['history', 'live']),
    type: z.string(),
  })
  .catchall(z.unknown());

export const CustomerActivitySchema = z.object({
  customerId: z.string(),
  asOf: z.string(),
  items: z.array(TimelineItemSchema),
  nextBefore: z.string().optional(),
  liveRecord: z.object({
    events: z.number().int(),
    appended: z.number().int(),
    duplicates: z.number().int(),
    expired: z.record(z.string(), z.number()),
    evicted: z.record(z.string(), z.number()),
  }),
});

export const CaseDetailSchema = CaseSummarySchema.extend({
  alert: z.unknown().optional(),
  assessment: z.unknown().optional(),
  findings: z.array(FindingSummarySchema),
  rounds: z.array(
    z.object({
      round: z.number().int(),
      riskScore: z.number(),
      level: z.string(),
      recommendedAction: z.string(),
      degraded: z.boolean(),
      findings: z.array(FindingSummarySchema),
      reasoning: z.string(),
      /** The auto-clear policy's verdict on the round, and why. */
      clearance: z
        .object({
          autoClear: z.boolean(),
          reason: z.string(),
          elevated: z.boolean(),
          unexplained: z.array(z.string()),
          explanations: z.array(ExplanationSchema),
          /** Which explanation (`kind ref`) covered which alert. */
          coverage: z.array(z.object({ alertId: z.string(), rule: z.string(), by: z.string() })).optional(),
        })
        .optional(),
      /** What changed since the round before, and why (feedback, new alerts, new checks, scores). */
      changes: z.object({ fromRound: z.number().int(), why: z.string() }).catchall(z.unknown()).optional(),
    }),
  ),
  evidence: z.array(z.unknown()),
  conversation: z.array(z.unknown()),
  droppedConversationEntries: z.number().int(),
  feedback: z.array(z.unknown()),
  evidenceCount: z.number().int(),
  decisions: z.array(
    z.object({
      decisionId: z.string(),
      round: z.number().int(),
      decision: z.enum(['approve', 'reject']),
      action: z.string().optional(),
      feedback: z.string().optional(),
      analyst: z.string(),
      decidedAt: z.string(),
      disposition: z.enum(['accepted', 'stale', 'duplicate']),
    }),
  ),
  timeline: z.array(
    z.object({
      at: z.string(),
      stage: Stage,
      event: z.string(),
      round: z.number().int(),
      detail: z.string().optional(),
    }),
  ),
  action: z
    .object({ action: z.string(), idempotencyKey: z.string(), applied: z.boolean(), at: z.string() })
    .optional(),
  error: z.string().optional(),
  dashboardUrl: z.string().optional(),
  maxRounds: z.number().int().optional(),
  audit: AuditSchema.optional(),
  source: z.enum(['instance', 'record']),
});

export const DecisionAcceptedSchema = z.object({
  caseId: z.string(),
  round: z.number().int(),
  accepted: z.literal(true),
  repeat: z.literal(true).optional(),
  decisionId: z.string(),
  analyst: z.string(),
  analystSource: z.enum(['easy-auth', 'body', 'anonymous']).optional(),
});

export const HealthSchema = z.object({
  status: z.enum(['healthy', 'degraded']),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }).catchall(z.unknown())),
  at: z.string(),
});

type Json = Record<string, unknown>;
const schema = (s: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: Json, description: string) => ({
  description,
  content: { 'application/json': { schema: s } },
});
const error = (description: string) => json(ref('Error'), description);

const caseIdParam = {
  name: 'caseId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$' },
};
const jsonBody = (name: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
});
const keyed = { 401: error('missing or wrong function key (answered by the host)') };

const operations: Record<ApiRouteKey, Json> = {
  telemetry: {
    summary: 'Ingest a batch of telemetry events',
    description:
      'Validates every event (nothing is ingested when any is bad), starts one ingest per customer (idempotent on retry) and waits briefly for the alerts.',
    requestBody: jsonBody('TelemetryBatch'),
    responses: {
      202: json(ref('TelemetryAccepted'), 'accepted'),
      400: error('invalid events, named by path'),
      413: error('too many bytes or events'),
      415: error('not JSON'),
      ...keyed,
    },
  },
  createCase: {
    summary: 'Open a case from a manual alert',
    requestBody: jsonBody('ManualCaseRequest'),
    responses: {
      202: json(ref('CaseCreated'), 'started (or, for a retried request, already started)'),
      400: error('invalid fields'),
      409: error('the customer already has an open case (details.openCaseId)'),
      413: error('body too large'),
      415: error('not JSON'),
      ...keyed,
    },
  },
  listCases: {
    summary: 'One page of the case index: filtered, sorted, paged by the case-record store',
    description:
      'Sorts: opened (newest first, the default), deadline (soonest first; cases without one last), risk (highest first). Page on with the nextCursor of the previous page.',
    parameters: [
      { name: 'status', in: 'query', schema: { type: 'string', enum: [...Stage.options, 'open'] } },
      { name: 'outcome', in: 'query', schema: { type: 'string', enum: Outcome.options } },
      { name: 'riskLevel', in: 'query', schema: { type: 'string', enum: RiskLevel.options } },
      { name: 'rule', in: 'query', schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' } },
      { name: 'customerId', in: 'query', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
      {
        name: 'q',
        in: 'query',
        description: 'the start of a customer id or case id (with or without case-), any case',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,100}$' },
      },
      { name: 'sort', in: 'query', schema: { type: 'string', enum: SortKey.options, default: 'opened' } },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
      { name: 'cursor', in: 'query', schema: { type: 'string' } },
    ],
    responses: { 200: json(ref('CaseList'), 'case summaries'), 400: error('invalid query'), ...keyed },
  },
  getCase: {
    summary:
      'A case: stage, round, deadline, assessment, findings, evidence, conversation, decisions, timeline, cost',
    parameters: [caseIdParam],
    responses: { 200: json(ref('CaseDetail'), 'the case'), 404: error('unknown case'), ...keyed },
  },
  decision: {
    summary: "Post the analyst's decision for the current round",
    description:
      'Analyst identity comes from the Easy Auth principal (x-ms-client-principal) when present, else the body. A repeat of an accepted decision answers 200 without a second effect.',
    parameters: [caseIdParam],
    requestBody: jsonBody('DecisionRequest'),
    responses: {
      200: json(ref('DecisionAccepted'), 'a repeat of an accepted decision (repeat: true); nothing raised'),
      202: json(ref('DecisionAccepted'), 'decision delivered to the case'),
      400: error('invalid or unknown fields'),
      404: error('unknown case'),
      409: error(
        'case not awaiting a decision, another round, or suspended (details.stage, details.round, details.suspended)',
      ),
      413: error('body too large'),
      415: error('not JSON'),
      ...keyed,
    },
  },
  customerActivity: {
    summary: "A customer's account on one timeline: history and live events, newest first",
    description:
      'The shipped 90-day history (anchored so it ends yesterday) and the live events kept in the live account record, each item with its id and source ("history" or "live"); the same merge the investigations and the MCP tools read. Page back with nextBefore.',
    parameters: [
      {
        name: 'customerId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
      },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'before', in: 'query', schema: { type: 'string', format: 'date-time' } },
      { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
      { name: 'types', in: 'query', schema: { type: 'string', example: 'login,auth_failure,transaction' } },
      { name: 'source', in: 'query', schema: { type: 'string', enum: ['history', 'live'] } },
    ],
    responses: {
      200: json(ref('CustomerActivity'), 'timeline page'),
      400: error('invalid query'),
      404: error('no such customer (no history and no live events)'),
      ...keyed,
    },
  },
  stream: {
    summary: 'Server-sent events: telemetry, alert, case',
    description:
      'Resume with Last-Event-ID (or ?lastEventId=) from a buffer of the last 1,000 events. Heartbeat comments every 15 s; each stream ends after 5 minutes and EventSource reconnects. Events are those of the serving instance.',
    parameters: [
      { name: 'types', in: 'query', schema: { type: 'string', example: 'alert,case' } },
      { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } },
    ],
    responses: {
      200: { description: 'event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      400: error('unknown event type'),
      ...keyed,
    },
  },
  health: {
    summary: 'Configuration, model and durable backend checks',
    security: [],
    responses: { 200: json(ref('Health'), 'healthy'), 503: json(ref('Health'), 'degraded') },
  },
  openapi: {
    summary: 'This document',
    security: [],
    responses: {
      200: {
        description: 'OpenAPI 3.1 document',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  },
};

export function openApiDocument(serverUrl = '/api'): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [key, route] of Object.entries(ApiRoutes) as Array<[ApiRouteKey, ApiRoute]>) {
    const path = `/${route.route}`;
    paths[path] ??= {};
    (paths[path] as Record<string, Json>)[route.method.toLowerCase()] = {
      operationId: route.name,
      ...operations[key],
    };
  }
  const page = (description: string, extra: Json = {}): Json => ({
    security: [],
    ...extra,
    responses: {
      200: { description, content: { 'text/html': { schema: { type: 'string' } } } },
      404: error('no such asset'),
    },
  });
  const pages: Record<keyof typeof PageRoutes, Json> = {
    console: page('the analyst console (no data in the page; its API calls carry the key or Easy Auth)', {
      summary: 'Analyst console',
    }),
    consoleAsset: page('a console script, style sheet or image', {
      summary: 'Console asset',
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
    }),
  };
  for (const [key, route] of Object.entries(PageRoutes) as Array<[keyof typeof PageRoutes, ApiRoute]>) {
    paths[`/${route.route}`] = { [route.method.toLowerCase()]: { operationId: route.name, ...pages[key] } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'durable-fraud-agents',
      version: '0.1.0',
      description:
        'Ambient fraud detection: telemetry in, durable multi-agent investigations, human decisions, actions taken exactly once. Every error is JSON {error, details?}.',
    },
    servers: [{ url: serverUrl }],
    security: [{ functionKey: [] }, { functionKeyQuery: [] }],
    paths,
    components: {
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
        functionKeyQuery: { type: 'apiKey', in: 'query', name: 'code' },
      },
      schemas: {
        Error: schema(ErrorBodySchema),
        TelemetryBatch: schema(TelemetryBatch, 'input'),
        ManualCaseRequest: schema(ManualCaseRequest, 'input'),
        DecisionRequest: schema(DecisionRequest, 'input'),
        TelemetryAccepted: schema(TelemetryAcceptedSchema),
        CaseCreated: schema(CaseCreatedSchema),
        CaseSummary: schema(CaseSummarySchema),
        CaseList: schema(CaseListSchema),
        CaseDetail: schema(CaseDetailSchema),
        CustomerActivity: schema(CustomerActivitySchema),
        DecisionAccepted: schema(DecisionAcceptedSchema),
        Health: schema(HealthSchema),
      },
    },
  };
}
