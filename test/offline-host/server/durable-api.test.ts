import { describe, expect, it } from 'vitest';
import { createDurableApi, type ApiRequest } from '../../../scripts/offline-host/server/durable-api.js';
import type { DurableEngine, InstanceStatus, RuntimeStatus } from '../../../scripts/offline-host/types.js';

/** A stand-in engine holding statuses in a map: these tests pin the HTTP mapping, not the engine. */
function fakeEngine(
  initial: Array<Partial<InstanceStatus> & { instanceId: string; runtimeStatus: RuntimeStatus }>,
) {
  const instances = new Map<string, InstanceStatus>();
  const calls: string[] = [];
  const put = (s: Partial<InstanceStatus> & { instanceId: string; runtimeStatus: RuntimeStatus }) =>
    instances.set(s.instanceId, {
      name: 'orch',
      createdTime: '2026-01-01T00:00:00.123Z',
      lastUpdatedTime: '2026-01-01T00:00:05.456Z',
      input: null,
      output: null,
      customStatus: null,
      ...s,
    });
  initial.forEach(put);
  const entities = new Map<string, unknown>([['counter|k1', 5]]);
  const engine: Partial<DurableEngine> = {
    async startNew(name, opts) {
      const id = opts?.instanceId ?? 'generated';
      put({ instanceId: id, name, runtimeStatus: 'Pending', input: opts?.input ?? null });
      calls.push(`start ${name} ${id} ${JSON.stringify(opts?.input ?? null)}`);
      return id;
    },
    getStatus: async (id) => instances.get(id),
    async query(q) {
      const all = [...instances.values()].filter(
        (s) => !q.runtimeStatus || q.runtimeStatus.includes(s.runtimeStatus),
      );
      const from = Number(q.continuationToken ?? 0);
      const top = q.top ?? all.length;
      return {
        instances: all.slice(from, from + top),
        continuationToken: from + top < all.length ? String(from + top) : undefined,
      };
    },
    async raiseEvent(id, name, data) {
      calls.push(`raise ${id} ${name} ${JSON.stringify(data)}`);
    },
    async terminate(id, reason) {
      calls.push(`terminate ${id} ${reason}`);
    },
    async purge(id) {
      instances.delete(id);
      return { instancesDeleted: 1 };
    },
    async signalEntity(name, key, op, input) {
      calls.push(`signal ${name} ${key} ${op} ${JSON.stringify(input)}`);
    },
    async readEntityState(name, key) {
      return entities.has(`${name}|${key}`)
        ? { exists: true, state: entities.get(`${name}|${key}`) }
        : { exists: false };
    },
  };
  return { engine: engine as DurableEngine, calls };
}

function api(engine: DurableEngine) {
  const handle = createDurableApi({
    engine,
    orchestratorNames: () => ['orch'],
    binding: () => ({
      origin: 'http://127.0.0.1:7071',
      taskHubName: 'hub',
      connectionName: 'Storage',
      systemKey: 'sys',
      rpcBaseUrl: 'http://127.0.0.1:17071/durabletask/secret/',
    }),
  });
  return (method: string, pathAndQuery: string, body = '', headers: Record<string, string> = {}) => {
    const u = new URL(`http://127.0.0.1:7071/durabletask/${pathAndQuery}`);
    const req: ApiRequest = {
      method,
      url: u.href,
      path: u.pathname.slice('/durabletask/'.length),
      query: u.searchParams,
      headers,
      body: Buffer.from(body),
    };
    return handle(req);
  };
}

const statuses = [
  { instanceId: 'run', runtimeStatus: 'Running' as const },
  { instanceId: 'done', runtimeStatus: 'Completed' as const, output: 'ok' },
  { instanceId: 'bad', runtimeStatus: 'Failed' as const, output: 'boom' },
];

describe('Durable HTTP API status codes', () => {
  it('answers 202 with Location and Retry-After while running, 200 when done, 404 when unknown', async () => {
    const call = api(fakeEngine(statuses).engine);
    const running = await call('GET', 'instances/run');
    expect(running).toMatchObject({ status: 202, headers: { 'Retry-After': '5' } });
    expect(running.headers['Location']).toContain('/durabletask/instances/run');
    const done = await call('GET', 'instances/done');
    expect(done.status).toBe(200);
    expect(done.json).toEqual({
      name: 'orch',
      instanceId: 'done',
      runtimeStatus: 'Completed',
      input: null,
      customStatus: null,
      output: 'ok',
      createdTime: '2026-01-01T00:00:00Z',
      lastUpdatedTime: '2026-01-01T00:00:05Z',
    });
    expect((await call('GET', 'instances/nope')).status).toBe(404);
  });

  it('answers 200 for a failed instance unless returnInternalServerErrorOnFailure=true asks for 500', async () => {
    const call = api(fakeEngine(statuses).engine);
    expect((await call('GET', 'instances/bad')).status).toBe(200);
    expect((await call('GET', 'instances/bad?returnInternalServerErrorOnFailure=true')).status).toBe(500);
  });

  it('starts an orchestration with the JSON body as input and answers 202 with the management payload', async () => {
    const { engine, calls } = fakeEngine([]);
    const res = await api(engine)('POST', 'orchestrators/orch/my-id', '{"a":1}', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      id: 'my-id',
      statusQueryGetUri:
        'http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/my-id?taskHub=hub&connection=Storage&code=sys',
    });
    expect(res.headers).toMatchObject({ 'Retry-After': '10' });
    expect(calls).toEqual(['start orch my-id {"a":1}']);
  });

  it('rejects an unknown orchestrator and invalid JSON with 400', async () => {
    const call = api(fakeEngine([]).engine);
    expect((await call('POST', 'orchestrators/nope')).status).toBe(400);
    expect((await call('POST', 'orchestrators/orch', '{not json')).status).toBe(400);
  });

  it('raises events on running instances only: 202, 404 unknown, 410 completed, 400 for non-JSON content', async () => {
    const { engine, calls } = fakeEngine(statuses);
    const call = api(engine);
    const json = { 'content-type': 'application/json' };
    expect((await call('POST', 'instances/run/raiseEvent/Approval', '{"ok":true}', json)).status).toBe(202);
    expect((await call('POST', 'instances/nope/raiseEvent/Approval', '{}', json)).status).toBe(404);
    expect((await call('POST', 'instances/done/raiseEvent/Approval', '{}', json)).status).toBe(410);
    expect((await call('POST', 'instances/bad/raiseEvent/Approval', '{}', json)).status).toBe(410);
    expect(
      (await call('POST', 'instances/run/raiseEvent/Approval', 'text', { 'content-type': 'text/plain' }))
        .status,
    ).toBe(400);
    expect(calls).toEqual(['raise run Approval {"ok":true}']);
  });

  it('terminates a running instance with the reason, and answers 410 for a completed one', async () => {
    const { engine, calls } = fakeEngine(statuses);
    const call = api(engine);
    expect((await call('POST', 'instances/run/terminate?reason=because')).status).toBe(202);
    expect((await call('POST', 'instances/done/terminate?reason=x')).status).toBe(410);
    expect((await call('POST', 'instances/nope/terminate')).status).toBe(404);
    expect(calls).toEqual(['terminate run because']);
  });

  it('pages queries with x-ms-continuation-token', async () => {
    const call = api(fakeEngine(statuses).engine);
    const first = await call('GET', 'instances/?top=2');
    expect((first.json as unknown[]).length).toBe(2);
    expect(first.headers['x-ms-continuation-token']).toBe('2');
    const second = await api(fakeEngine(statuses).engine)('GET', 'instances/?top=2', '', {
      'x-ms-continuation-token': '2',
    });
    expect((second.json as unknown[]).length).toBe(1);
    expect(second.headers['x-ms-continuation-token']).toBeUndefined();
  });

  it('purges one instance (200 with the count, 404 unknown) and requires createdTimeFrom to purge by filter', async () => {
    const call = api(fakeEngine(statuses).engine);
    expect(await call('DELETE', 'instances/done')).toMatchObject({
      status: 200,
      json: { instancesDeleted: 1 },
    });
    expect((await call('DELETE', 'instances/done')).status).toBe(404);
    expect((await call('DELETE', 'instances/')).status).toBe(400);
  });

  it('reads entity state (200, 404 when missing) and signals with ?op=, DELETE meaning the delete operation', async () => {
    const { engine, calls } = fakeEngine([]);
    const call = api(engine);
    expect(await call('GET', 'entities/counter/k1')).toMatchObject({ status: 200, json: 5 });
    expect((await call('GET', 'entities/counter/k2')).status).toBe(404);
    expect(
      (await call('POST', 'entities/counter/k1?op=add', '3', { 'content-type': 'application/json' })).status,
    ).toBe(202);
    expect((await call('DELETE', 'entities/counter/k1')).status).toBe(202);
    expect(calls).toEqual(['signal counter k1 add 3', 'signal counter k1 delete undefined']);
  });
});
