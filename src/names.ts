/**
 * Every durable name in one place: orchestrations, activities, entities, their operations and the
 * external events. Triggers, orchestrators and tests import these; nothing spells them inline.
 */
export const Orchestrations = {
  investigateCase: 'investigateCase',
  ingestTelemetry: 'ingestTelemetry',
  openManualCase: 'openManualCase',
} as const;

export const Activities = {
  investigateSpecialist: 'investigateSpecialist',
  aggregateFindings: 'aggregateFindings',
  notifyAnalyst: 'notifyAnalyst',
  executeAction: 'executeAction',
  autoClear: 'autoClear',
  escalate: 'escalate',
  sendNotification: 'sendNotification',
  startCase: 'startCase',
} as const;

export const Entities = {
  customerProfile: 'customerProfile',
  caseSession: 'caseSession',
  accountLedger: 'accountLedger',
  accountActivity: 'accountActivity',
} as const;

export const CustomerProfileOps = {
  ingest: 'ingest',
  route: 'route',
  openManual: 'openManual',
  reroute: 'reroute',
  take: 'take',
  release: 'release',
  get: 'get',
} as const;

export const CaseSessionOps = {
  open: 'open',
  recordRound: 'recordRound',
  addFeedback: 'addFeedback',
  addEvidence: 'addEvidence',
  get: 'get',
} as const;

/** The live account record (src/live): every accepted event of one customer. */
export const AccountActivityOps = {
  append: 'append',
  get: 'get',
} as const;

export const AccountLedgerOps = {
  apply: 'apply',
  get: 'get',
} as const;

export const Events = {
  analystDecision: 'AnalystDecision',
} as const;

export type OrchestrationName = (typeof Orchestrations)[keyof typeof Orchestrations];
export type ActivityName = (typeof Activities)[keyof typeof Activities];
export type EntityName = (typeof Entities)[keyof typeof Entities];
