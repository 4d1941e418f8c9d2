import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  GoneError,
  NotFoundError,
  type DurableEngine,
  type InstanceQuery,
  type InstanceStatus,
  type RuntimeStatus,
} from '../types.js';
import { checkStatusPayload, type ClientBindingOptions } from './client-binding.js';
import { LimitError } from '../engine/limits.js';

/**
 * The Durable extension's HTTP API (HttpApiHandler), served for both the client's RPC base URL and
 * `/runtime/webhooks/durabletask`. Routes, verbs and status codes follow the extension:
 *   POST orchestrators/{fn}/{id?}                 202 + check-status payload (400 unknown function)
 *   GET  instances/{id}                           200 done / 202 running (+Location, Retry-After: 5) / 404
 *   GET  instances/                               200 [statuses] (+x-ms-continuation-token)
 *   DELETE instances/{id} | instances/?filters    200 {instancesDeleted} / 404
 *   POST instances/{id}/terminate|suspend|resume  202 / 404 / 410 when completed, failed or terminated
 *   POST instances/{id}/rewind                    202 (failed instances rewind as on DTS) / 404 / 410
 *   POST instances/{id}/restart                   202 + payload
 *   POST instances/{id}/raiseEvent/{name}         202 / 404 / 410 / 400 without a JSON body
 *   GET  entities/{name}/{key}                    200 state / 404;  POST|DELETE → signal, 202
 *   GET  entities/{name}                          200 [DurableEntityStatus] (+x-ms-continuation-token)
 * Source: azure-functions-durable-extension @ a7c6d69, src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs.
 */
export interface ApiRequest {
  method: string;
  /** The full request URL (running instances answer with it as Location). */
  url: string;
  /** Path below the API prefix, without a leading slash, still URL-encoded. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized as JSON when defined. */
  json?: unknown;
}

export interface DurableApiDeps {
  engine: DurableEngine;
  /** Names of the app's orchestrator functions (a POST to an unknown one is a 400, as in the extension). */
  orchestratorNames: () => readonly string[];
  binding: () => ClientBindingOptions;
}

const TERMINAL: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
const RUNTIME_STATUSES: RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Terminated',
  'Suspended',
];

const res = (status: number, json?: unknown, headers: Record<string, string> = {}): ApiResponse => ({
  status,
  headers,
  json,
});
/** CreateErrorResponse: `{Message}`, or with an exception `{Message, ExceptionMessage, ExceptionType, StackTrace}`. */
const error = (status: number, message: string, exception?: { message: string; type: string }): ApiResponse =>
  res(
    status,
    exception === undefined
      ? { Message: message }
      : {
          Message: message,
          ExceptionMessage: exception.message,
          ExceptionType: exception.type,
          StackTrace: null,
        },
  );
const jsonError = (message: string) => ({ message, type: 'Newtonsoft.Json.JsonReaderException' });
const argumentError = (message: string) => ({ message, type: 'System.ArgumentException' });
/** JToken.Load on an empty body. */
const EMPTY_JSON = "Error reading JToken from JsonReader. Path '', line 0, position 0.";

/** `DateTime.ToString("s") + "Z"`: whole seconds, no fraction. */
function hostTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toStatusPayload(s: InstanceStatus, showInput = true): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    name: s.name,
    instanceId: s.instanceId,
    runtimeStatus: s.runtimeStatus,
    input: showInput ? (s.input ?? null) : null,
    customStatus: s.customStatus ?? null,
    output: s.output ?? null,
    createdTime: hostTime(s.createdTime),
    lastUpdatedTime: hostTime(s.lastUpdatedTime),
  };
  if (s.history !== undefined) payload['historyEvents'] = s.history;
  return payload;
}

function bool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name)?.toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

function date(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function statuses(q: URLSearchParams): RuntimeStatus[] | undefined {
  const list = q
    .getAll('runtimeStatus')
    .flatMap((v) => v.split(','))
    .filter((v): v is RuntimeStatus => (RUNTIME_STATUSES as string[]).includes(v));
  return list.length > 0 ? list : undefined;
}

function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = body.toString('utf8');
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

const isJson = (headers: Record<string, string>) =>
  /^application\/json\b/i.test(headers['content-type'] ?? '');

/** DurableClient.StartNewAsync's own checks (its ArgumentException arguments are the wrong way round). */
function extensionInstanceIdProblem(id: string): string | undefined {
  if (id.startsWith('@')) return "instanceId (Parameter 'Orchestration instance ids must not start with @.')";
  // eslint-disable-next-line no-control-regex
  if (/[/\\?#\u0000-\u001f\u007f-\u009f]/.test(id))
    return "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')";
  if (id.length > 256) return 'Instance ID lengths must not exceed 256 characters.';
  return undefined;
}

export function createDurableApi(deps: DurableApiDeps): (req: ApiRequest) => Promise<ApiResponse> {
  const { engine } = deps;

  const checkStatus = (instanceId: string): ApiResponse => {
    const payload = checkStatusPayload(deps.binding(), instanceId);
    return res(202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
  };

  async function getStatus(req: ApiRequest, instanceId: string): Promise<ApiResponse> {
    const showInput = bool(req.query, 'showInput') ?? true;
    const status = await engine.getStatus(instanceId, {
      showHistory: bool(req.query, 'showHistory') ?? false,
      showHistoryOutput: bool(req.query, 'showHistoryOutput') ?? false,
      showInput,
    });
    if (!status) return res(404);
    const payload = toStatusPayload(status, showInput);
    switch (status.runtimeStatus) {
      case 'Running':
      case 'Pending':
      case 'ContinuedAsNew':
      case 'Suspended':
        return res(202, payload, { Location: req.url, 'Retry-After': '5' });
      case 'Failed':
        return res(bool(req.query, 'returnInternalServerErrorOnFailure') ? 500 : 200, payload);
      default:
        return res(200, payload);
    }
  }

  async function waitOrCheckStatus(req: ApiRequest, instanceId: string): Promise<ApiResponse> {
    const timeoutSec = Number(req.query.get('timeout'));
    const intervalSec = Number(req.query.get('pollingInterval'));
    if (!(timeoutSec > 0) || !(intervalSec > 0)) return checkStatus(instanceId);
    const deadline = Date.now() + timeoutSec * 1000;
    for (;;) {
      const s = await engine.getStatus(instanceId, { showInput: true });
      if (s?.runtimeStatus === 'Completed') return res(200, s.output ?? null);
      if (s && TERMINAL.includes(s.runtimeStatus)) return getStatus(req, instanceId);
      const left = deadline - Date.now();
      if (left <= 0) return checkStatus(instanceId);
      await new Promise((r) => setTimeout(r, Math.min(left, intervalSec * 1000)));
    }
  }

  async function start(req: ApiRequest, fn: string, instanceId: string | undefined): Promise<ApiResponse> {
    const known = deps.orchestratorNames();
    if (!known.some((n) => n.toLowerCase() === fn.toLowerCase())) {
      return error(
        400,
        'One or more of the arguments submitted is incorrect',
        argumentError(
          `The function '${fn}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ` +
            (known.length > 0
              ? `The following are the known orchestrator functions: '${known.join("', '")}'.`
              : 'No orchestrator functions are currently registered!'),
        ),
      );
    }
    const parsed = parseJsonBody(req.body);
    if (!parsed.ok) return error(400, 'Invalid JSON content', jsonError(parsed.message));
    const badId = instanceId ? extensionInstanceIdProblem(instanceId) : undefined;
    if (badId) return error(400, 'One or more of the arguments submitted is incorrect', argumentError(badId));
    const id = await engine.startNew(fn, {
      instanceId: instanceId || undefined,
      input: parsed.value ?? undefined,
    });
    return waitOrCheckStatus(req, id);
  }

  async function lifecycle(req: ApiRequest, instanceId: string, op: string): Promise<ApiResponse> {
    const status = await engine.getStatus(instanceId, { showInput: true });
    if (!status) return res(404);
    const reason = req.query.get('reason') ?? undefined;
    switch (op) {
      case 'rewind':
        // HandleRewindInstanceRequestAsync: only completed and terminated instances are refused.
        if (status.runtimeStatus === 'Completed' || status.runtimeStatus === 'Terminated') return res(410);
        await engine.rewind(instanceId, reason);
        return res(202);
      case 'restart': {
        const newId =
          bool(req.query, 'restartWithNewInstanceId') === false ? instanceId : randomUUID().replace(/-/g, '');
        await engine.startNew(status.name, { instanceId: newId, input: status.input ?? undefined });
        return waitOrCheckStatus(req, newId);
      }
    }
    if (TERMINAL.includes(status.runtimeStatus)) return res(410);
    if (op === 'terminate') await engine.terminate(instanceId, reason);
    else if (op === 'suspend') await engine.suspend(instanceId, reason);
    else if (op === 'resume') await engine.resume(instanceId, reason);
    else return res(404);
    return res(202);
  }

  async function raiseEvent(req: ApiRequest, instanceId: string, eventName: string): Promise<ApiResponse> {
    const status = await engine.getStatus(instanceId, { showInput: false });
    if (!status) return res(404);
    if (TERMINAL.includes(status.runtimeStatus)) return res(410);
    // HandleRaiseEventRequestAsync: application/json only, and the body must be JSON (an empty one is not).
    if (!isJson(req.headers)) return error(400, 'Only application/json request content is supported');
    if (req.body.toString('utf8').trim() === '')
      return error(400, 'Invalid JSON content', jsonError(EMPTY_JSON));
    const parsed = parseJsonBody(req.body);
    if (!parsed.ok) return error(400, 'Invalid JSON content', jsonError(parsed.message));
    await engine.raiseEvent(instanceId, eventName, parsed.value);
    return res(202);
  }

  async function query(req: ApiRequest): Promise<ApiResponse> {
    const q: InstanceQuery = {
      runtimeStatus: statuses(req.query),
      createdTimeFrom: date(req.query, 'createdTimeFrom'),
      createdTimeTo: date(req.query, 'createdTimeTo'),
      instanceIdPrefix: req.query.get('instanceIdPrefix') ?? undefined,
      // OrchestrationStatusQueryCondition.ShowInput defaults to true.
      showInput: bool(req.query, 'showInput') ?? true,
      top: Number(req.query.get('top')) > 0 ? Number(req.query.get('top')) : undefined,
      continuationToken: req.headers['x-ms-continuation-token'] || undefined,
    };
    const page = await engine.query(q);
    const headers: Record<string, string> = page.continuationToken
      ? { 'x-ms-continuation-token': page.continuationToken }
      : {};
    return res(
      200,
      page.instances.map((s) => toStatusPayload(s, q.showInput)),
      headers,
    );
  }

  async function purgeBy(req: ApiRequest): Promise<ApiResponse> {
    const from = date(req.query, 'createdTimeFrom');
    if (!from) return res(400, "Please provide value for 'createdTimeFrom' parameter.");
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await engine.query({
        createdTimeFrom: from,
        createdTimeTo: date(req.query, 'createdTimeTo'),
        runtimeStatus: statuses(req.query),
        continuationToken: token,
      });
      for (const s of page.instances) deleted += (await engine.purge(s.instanceId)).instancesDeleted;
      token = page.continuationToken;
    } while (token);
    return deleted === 0 ? res(404) : res(200, { instancesDeleted: deleted });
  }

  async function entity(req: ApiRequest, name: string, rawKey: string | undefined): Promise<ApiResponse> {
    const key = rawKey === '$' ? '' : rawKey;
    if (req.method === 'GET') {
      if (key === undefined) return listEntities(req, name);
      const state = await engine.readEntityState(name, key);
      return state.exists ? res(200, state.state ?? null) : res(404);
    }
    if (req.method !== 'POST' && req.method !== 'DELETE') return res(404);
    if (key === undefined) return error(400, 'An entity key is required.');
    const op = req.method === 'DELETE' ? 'delete' : (req.query.get('op') ?? '');
    let input: unknown;
    if (req.body.length > 0) {
      if (isJson(req.headers)) {
        const parsed = parseJsonBody(req.body);
        if (!parsed.ok) return error(400, `Could not parse JSON content: ${parsed.message}`);
        input = parsed.value;
      } else input = req.body.toString('utf8');
    }
    await engine.signalEntity(name, key, op, input);
    return res(202);
  }

  async function listEntities(req: ApiRequest, name: string): Promise<ApiResponse> {
    const from = date(req.query, 'lastOperationTimeFrom');
    const to = date(req.query, 'lastOperationTimeTo');
    const top = Number(req.query.get('top'));
    const page = await engine.listEntities({
      entityName: name,
      ...(from ? { lastOperationFrom: Date.parse(from) } : {}),
      ...(to ? { lastOperationTo: Date.parse(to) } : {}),
      ...(top > 0 ? { top } : {}),
      fetchState: bool(req.query, 'fetchState') ?? false,
      ...(req.headers['x-ms-continuation-token']
        ? { continuationToken: req.headers['x-ms-continuation-token'] }
        : {}),
    });
    const headers: Record<string, string> = page.continuationToken
      ? { 'x-ms-continuation-token': page.continuationToken }
      : {};
    return res(200, page.entities, headers);
  }

  async function route(req: ApiRequest): Promise<ApiResponse> {
    const parts = req.path
      .replace(/^\/+/, '')
      .split('/')
      .map((p) => decodeURIComponent(p));
    if (parts[parts.length - 1] === '' && parts.length > 1 && parts[0] !== 'instances') parts.pop();
    const [controller, a, b, c, ...extra] = parts;
    if (extra.length > 0) return res(404);
    switch (controller) {
      case 'orchestrators':
        if (!a || c !== undefined) return res(404);
        return req.method === 'POST' ? start(req, a, b) : res(404);
      case 'entities':
        if (!a || c !== undefined) return res(404);
        return entity(req, a, b || undefined);
      case 'instances': {
        if (b === 'raiseEvent' && c) return req.method === 'POST' ? raiseEvent(req, a ?? '', c) : res(404);
        if (c !== undefined) return res(404);
        if (!a) {
          if (req.method === 'GET') return query(req);
          if (req.method === 'DELETE') return purgeBy(req);
          return res(404);
        }
        if (!b) {
          if (req.method === 'GET') return getStatus(req, a);
          if (req.method === 'DELETE') {
            if (!(await engine.getStatus(a))) return res(404);
            return res(200, await engine.purge(a));
          }
          return res(404);
        }
        return req.method === 'POST' ? lifecycle(req, a, b.toLowerCase()) : res(404);
      }
      default:
        return res(404);
    }
  }

  return async (req) => {
    try {
      return await route(req);
    } catch (err) {
      if (err instanceof NotFoundError) return res(404);
      if (err instanceof GoneError) return res(410);
      // DTS refuses the payload or id: the client call fails as a backend error does.
      if (err instanceof LimitError)
        return error(500, 'Something went wrong while processing your request', {
          message: err.message,
          type: 'Grpc.Core.RpcException',
        });
      if (err instanceof ConflictError)
        return error(500, 'Something went wrong while processing your request', {
          message: err.message,
          type: 'System.InvalidOperationException',
        });
      if (err instanceof URIError)
        return error(400, 'One or more of the arguments submitted is incorrect', argumentError(err.message));
      throw err;
    }
  };
}
