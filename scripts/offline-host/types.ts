/**
 * Contracts between the parts of the offline host:
 *   app-loader (captures registrations, invokes functions like the Node worker)
 *   engine     (plays the Durable extension: histories, episodes, activities, entities, timers, SQLite)
 *   server     (plays the Functions host's HTTP front door and the Durable HTTP API, timer triggers, CLI)
 * Nothing under src/ imports this folder.
 */

export type TriggerType =
  | 'httpTrigger'
  | 'timerTrigger'
  | 'orchestrationTrigger'
  | 'activityTrigger'
  | 'entityTrigger'
  | 'mcpToolTrigger'
  | (string & {});

/** One registered function, as the Functions host would index it. */
export interface FunctionInfo {
  name: string;
  trigger: TriggerType;
  /** httpTrigger: route template without the `api/` prefix (defaults to the function name). */
  route?: string;
  /** httpTrigger: upper-case methods; undefined = all. */
  methods?: string[];
  authLevel?: 'anonymous' | 'function' | 'admin';
  /** timerTrigger: NCRONTAB (6 fields), `%SETTING%` expressions unresolved. */
  schedule?: string;
  runOnStartup?: boolean;
  /** Types of the non-trigger input bindings, e.g. ['durableClient']. */
  inputs: string[];
  /** The metadata object exactly as registered. */
  metadata: unknown;
}

export interface HttpRequestData {
  method: string;
  /** Absolute URL, e.g. http://localhost:7071/api/cases/abc?x=1 */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  params: Record<string, string>;
}

export interface HttpResponseData {
  status: number;
  headers: Array<[string, string]>;
  /** A Buffer, or a stream for streamed responses (server-sent events). */
  body?: Buffer | AsyncIterable<Uint8Array>;
}

/** What the durable-functions orchestrator handler receives (see reference/durable-protocol.md). */
export interface OrchestratorRequest {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId?: string;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** OrchestratorState as returned (or thrown inside `$OutOfProcData$`) by durable-functions. */
export interface OrchestratorResponse {
  isDone: boolean;
  actions: unknown[][];
  output?: unknown;
  customStatus?: unknown;
  schemaVersion?: number;
  error?: string;
  failureDetails?: unknown;
}

/** A history event in the extension's JSON shape (PascalCase fields). */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

export interface EntityBatchRequest {
  self: { name: string; key: string };
  exists: boolean;
  state: string | null;
  batch: Array<{ name: string; input: string | undefined; isSignal: boolean }>;
}

export interface EntityBatchResult {
  entityExists: boolean;
  entityState: string | null | undefined;
  results: Array<{ isError: boolean; result?: string; duration: number; startTime?: unknown }>;
  signals: Array<{ target: { name: string; key: string }; name: string; input?: string }>;
}

/** Error thrown by invokeActivity: keeps the function's error for TaskFailed FailureDetails. */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly stackTrace?: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/** The loaded app, invoked like the Node worker invokes it: a fresh InvocationContext per call. */
export interface AppInvoker {
  readonly appDir: string;
  readonly functions: readonly FunctionInfo[];
  /** Binding data given to every `durableClient` input (points at the server's Durable HTTP API). */
  setDurableClientBinding(data: DurableClientBindingData): void;
  invokeHttp(functionName: string, request: HttpRequestData): Promise<HttpResponseData>;
  invokeTimer(functionName: string, info: { isPastDue: boolean }): Promise<void>;
  invokeOrchestrator(functionName: string, request: OrchestratorRequest): Promise<OrchestratorResponse>;
  /** Resolves with the activity's return value; rejects with FunctionError. */
  invokeActivity(functionName: string, input: unknown, instanceId: string): Promise<unknown>;
  invokeEntity(functionName: string, request: EntityBatchRequest): Promise<EntityBatchResult>;
  /**
   * Any other trigger (the MCP extension's tool, resource and prompt triggers): the trigger value and
   * binding data exactly as the host would send them over RPC; resolves with the function's return value
   * as the worker converted it (for MCP tools, the library's McpToolResult JSON string). Rejects when
   * the function throws.
   */
  invokeTrigger(
    functionName: string,
    trigger: { data: RpcValue | undefined; metadata?: Record<string, RpcValue> },
  ): Promise<RpcValue | null | undefined>;
  /** appStart / appTerminate hooks. */
  runAppHook(name: 'appStart' | 'appTerminate'): Promise<void>;
}

/** A value on the worker RPC channel (TypedData): the variants the host sends to or reads from the worker. */
export interface RpcValue {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  int?: number;
  double?: number;
}

export interface DurableClientBindingData {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
  httpBaseUrl?: string;
  maxGrpcMessageSizeInBytes?: number;
  grpcHttpClientTimeout?: string;
}

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

/** Instance status in the shape the Durable HTTP API returns (camelCase, as durable-functions reads it). */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  createdTime: string;
  lastUpdatedTime: string;
  input: unknown;
  output: unknown;
  runtimeStatus: RuntimeStatus;
  customStatus: unknown;
  history?: unknown[];
}

export interface InstanceQuery {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: string;
  createdTimeTo?: string;
  instanceIdPrefix?: string;
  top?: number;
  continuationToken?: string;
  showInput?: boolean;
}

/** The Durable HTTP API's entity query (HttpApiHandler.HandleListEntitiesRequestAsync → EntityQuery). */
export interface EntityQuery {
  /** Exact entity name (matched lower-case, as scheduler ids are). */
  entityName?: string;
  lastOperationFrom?: number;
  /** Default: now. */
  lastOperationTo?: number;
  /** Page size; default 100. */
  top?: number;
  fetchState?: boolean;
  continuationToken?: string;
}

/** DurableEntityStatus as the extension serializes it. */
export interface EntityStatus {
  entityId: { name: string; key: string };
  lastOperationTime: string;
  state: unknown;
}

export interface Clock {
  readonly kind: 'real' | 'virtual';
  now(): number;
  /** Virtual clock only: moves time forward and fires every timer that falls due, in order. */
  advance(ms: number): Promise<void>;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
export class ConflictError extends Error {
  override name = 'ConflictError';
}
/** Raised when an operation targets an instance that is already completed, failed or terminated. */
export class GoneError extends Error {
  override name = 'GoneError';
}

/** The Durable extension, played in one process. */
export interface DurableEngine {
  readonly clock: Clock;
  start(): Promise<void>;
  /** Stops dispatching; waits for running work to settle; closes the store. */
  stop(): Promise<void>;
  startNew(orchestrationName: string, opts?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(
    instanceId: string,
    opts?: { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean },
  ): Promise<InstanceStatus | undefined>;
  query(q: InstanceQuery): Promise<{ instances: InstanceStatus[]; continuationToken?: string }>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
  terminate(instanceId: string, reason?: string): Promise<void>;
  suspend(instanceId: string, reason?: string): Promise<void>;
  resume(instanceId: string, reason?: string): Promise<void>;
  purge(instanceId: string): Promise<{ instancesDeleted: number }>;
  /** Rewinds a failed instance (see engine/rewind.ts). */
  rewind(instanceId: string, reason?: string): Promise<void>;
  listEntities(q: EntityQuery): Promise<{ entities: EntityStatus[]; continuationToken?: string }>;
  signalEntity(entityName: string, key: string, operation: string, input?: unknown): Promise<void>;
  readEntityState(entityName: string, key: string): Promise<{ exists: boolean; state?: unknown }>;
  /** Resolves when no work is runnable now: queues empty, no episode/activity/entity batch running. */
  idle(): Promise<void>;
  /** A readable per-instance trace: episodes, actions, events. */
  trace(instanceId: string): Promise<string>;
}
