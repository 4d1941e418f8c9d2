/**
 * The Durable HTTP management API against the extension's documented behaviour (HttpApiHandler and
 * DurableClient in azure-functions-durable-extension), through the whole offline host over HTTP.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../../scripts/offline-host/index.js';

const APP = path.join(__dirname, '..', 'fixtures', 'management');
let host: OfflineHost;

const api = (p: string, init: RequestInit = {}) => {
  const u = new URL(`${host.baseUrl}/runtime/webhooks/durabletask/${p}`);
  u.searchParams.set('code', host.systemKey);
  return fetch(u, init);
};
const json = { 'content-type': 'application/json' };

async function start(name: string, input?: unknown): Promise<string> {
  const res = await fetch(`${host.baseUrl}/api/orchestrators/${name}`, {
    method: 'POST',
    body: input === undefined ? '' : JSON.stringify(input),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await host.engine.idle();
  return id;
}

beforeAll(async () => {
  host = await startOfflineHost({ appDir: APP, port: 0, inMemory: true, clock: 'virtual' });
});
afterAll(async () => {
  await host?.stop();
});

describe('instance listings', () => {
  it('shows inputs by default and hides them with showInput=false', async () => {
    const id = await start('greet', 'Ada');
    const listed = (await (await api('instances/')).json()) as Array<{ instanceId: string; input: unknown }>;
    expect(listed.find((s) => s.instanceId === id)?.input).toBe('Ada');

    const hidden = (await (await api('instances/?showInput=false')).json()) as Array<{
      instanceId: string;
      input: unknown;
    }>;
    expect(hidden.find((s) => s.instanceId === id)?.input).toBeNull();
  });
});

describe('raising events', () => {
  it('answers 400 for an event with no body, or not sent as JSON, and delivers nothing', async () => {
    const id = await start('greet', 'Bo');
    const empty = await api(`instances/${id}/raiseEvent/reply`, { method: 'POST', headers: json, body: '' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      Message: 'Invalid JSON content',
      ExceptionMessage: "Error reading JToken from JsonReader. Path '', line 0, position 0.",
    });
    const text = await api(`instances/${id}/raiseEvent/reply`, { method: 'POST', body: 'hi' });
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({ Message: 'Only application/json request content is supported' });

    await host.advance(60_000);
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(
      (await api(`instances/${id}/raiseEvent/reply`, { method: 'POST', headers: json, body: '"yes"' }))
        .status,
    ).toBe(202);
    expect((await host.waitForStatus(id, ['Completed'])).output).toEqual({
      greeting: 'Hello Bo',
      reply: 'yes',
    });
  });
});

describe('history as the extension shows it', () => {
  it('folds scheduling into completions, keeps TimerCreated and raw inputs, and shows results only on request', async () => {
    const id = await start('greet', 'Cy');
    await host.advance(60_000);
    await api(`instances/${id}/raiseEvent/reply`, { method: 'POST', headers: json, body: '{"ok":true}' });
    await host.waitForStatus(id, ['Completed']);

    const plain = (await (await api(`instances/${id}?showHistory=true`)).json()) as {
      historyEvents: Array<Record<string, unknown>>;
    };
    expect(plain.historyEvents.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TimerCreated',
      'TimerFired',
      'EventRaised',
      'ExecutionCompleted',
    ]);
    const [started, completed, timerCreated, timerFired, raised, done] = plain.historyEvents as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(started).toMatchObject({ FunctionName: 'greet', Input: '"Cy"' });
    expect(completed).toMatchObject({ FunctionName: 'hello', Input: '["\\"Cy\\""]' });
    expect(completed.ScheduledTime).toEqual(expect.any(String));
    expect(completed).not.toHaveProperty('Result');
    expect(timerCreated.FireAt).toBe(timerFired.FireAt);
    expect(timerFired).not.toHaveProperty('TimerId');
    expect(raised).toMatchObject({ Name: 'reply', Input: '{"ok":true}' });
    expect(done).toMatchObject({ OrchestrationStatus: 'Completed' });
    expect(done).not.toHaveProperty('Result');
    for (const e of plain.historyEvents) {
      expect(e).not.toHaveProperty('EventId');
      expect(e).not.toHaveProperty('IsPlayed');
    }

    const full = (await (
      await api(`instances/${id}?showHistory=true&showHistoryOutput=true&showInput=false`)
    ).json()) as {
      input: unknown;
      historyEvents: Array<Record<string, unknown>>;
    };
    expect(full.input).toBeNull();
    expect(full.historyEvents[1]).toMatchObject({ EventType: 'TaskCompleted', Result: 'Hello Cy' });
    expect(full.historyEvents[5]).toMatchObject({ Result: { greeting: 'Hello Cy', reply: { ok: true } } });
    expect(full.historyEvents.some((e) => 'Input' in e)).toBe(false);
  });
});

describe('rewind', () => {
  it('reruns the failed activity of a failed instance and completes it', async () => {
    const id = await start('flakyOnce', 'k1');
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Failed');

    expect((await api(`instances/${id}/rewind?reason=fixed`, { method: 'POST' })).status).toBe(202);
    await host.engine.idle();
    const status = await host.waitForStatus(id, ['Completed']);
    expect(status.output).toEqual(['Hello before', 'ok k1']);
    const types = (host.engine.getHistory(id) ?? []).map((e) => e.EventType);
    expect(types.filter((t) => t === 4)).toHaveLength(2); // hello, then flaky scheduled again
    expect(types).toContain(21); // ExecutionRewound
    expect(types).not.toContain(6); // the TaskFailed is gone
  });

  it('rewinds a failed sub-orchestration with its parent', async () => {
    const id = await start('parentOfFlaky', 'k2');
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Failed');
    expect((await host.engine.getStatus(`${id}-child`))?.runtimeStatus).toBe('Failed');

    expect((await api(`instances/${id}/rewind`, { method: 'POST' })).status).toBe(202);
    await host.engine.idle();
    expect((await host.waitForStatus(id, ['Completed'])).output).toEqual(['Hello before', 'ok k2']);
    expect((await host.engine.getStatus(`${id}-child`))?.runtimeStatus).toBe('Completed');
  });

  it('answers 410 for a completed instance and 404 for an unknown one', async () => {
    const id = await start('greet', 'Di');
    await host.advance(60_000);
    await api(`instances/${id}/raiseEvent/reply`, { method: 'POST', headers: json, body: '1' });
    await host.waitForStatus(id, ['Completed']);
    expect((await api(`instances/${id}/rewind`, { method: 'POST' })).status).toBe(410);
    expect((await api('instances/nope/rewind', { method: 'POST' })).status).toBe(404);
  });
});

describe('entity listings', () => {
  it('lists the entities of one name, with state on request, time filters and pages', async () => {
    const signal = (name: string, key: string, op: string, body?: string) =>
      api(`entities/${name}/${key}?op=${op}`, {
        method: 'POST',
        ...(body === undefined ? {} : { headers: json, body }),
      });
    const t0 = host.engine.clock.now();
    await signal('counter', 'a', 'add', '1');
    await signal('tally', 'x', 'set');
    await host.engine.idle();
    await host.advance(60_000);
    await signal('counter', 'b', 'add', '2');
    await signal('counter', 'c', 'add', '3');
    await host.engine.idle();
    await signal('counter', 'c', 'delete');
    await host.engine.idle();

    const all = await api('entities/counter');
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual([
      { entityId: { name: 'counter', key: 'a' }, lastOperationTime: new Date(t0).toISOString(), state: null },
      {
        entityId: { name: 'counter', key: 'b' },
        lastOperationTime: new Date(t0 + 60_000).toISOString(),
        state: null,
      },
    ]);

    const withState = (await (await api('entities/Counter?fetchState=true')).json()) as Array<{
      state: unknown;
    }>;
    expect(withState.map((e) => e.state)).toEqual([1, 2]);

    const recent = (await (
      await api(`entities/counter?lastOperationTimeFrom=${new Date(t0 + 1000).toISOString()}`)
    ).json()) as Array<{ entityId: { key: string } }>;
    expect(recent.map((e) => e.entityId.key)).toEqual(['b']);

    const page1 = await api('entities/counter?top=1');
    const token = page1.headers.get('x-ms-continuation-token');
    expect(((await page1.json()) as unknown[]).length).toBe(1);
    expect(token).toBeTruthy();
    const page2 = await api('entities/counter?top=1', {
      headers: { 'x-ms-continuation-token': token ?? '' },
    });
    expect(((await page2.json()) as Array<{ entityId: { key: string } }>).map((e) => e.entityId.key)).toEqual(
      ['b'],
    );
  });
});
