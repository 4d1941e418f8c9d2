/**
 * The fidelity suite: the patterns of the official durable-functions samples, written as our own small
 * app (test/fidelity/app), run on the offline host and driven over HTTP the way a user drives them — the
 * starter's createCheckStatusResponse payload gives every URL used below. Each test asserts the output,
 * the runtime status and the recorded history (as the Durable HTTP API shows it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../scripts/offline-host/index.js';

const APP = path.join(__dirname, 'app');
let host: OfflineHost;

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
}
interface Status {
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  historyEvents?: Array<Record<string, unknown>>;
}

/** POSTs to the samples' starter and returns its check-status payload. */
async function start(orchestrator: string, input?: unknown): Promise<CheckStatus> {
  const res = await fetch(`${host.baseUrl}/api/orchestrators/${orchestrator}`, {
    method: 'POST',
    body: input === undefined ? '' : JSON.stringify(input),
  });
  expect(res.status).toBe(202);
  const payload = (await res.json()) as CheckStatus;
  expect(res.headers.get('location')).toBe(payload.statusQueryGetUri);
  await host.engine.idle();
  return payload;
}

async function status(payload: CheckStatus, query = ''): Promise<{ code: number; body: Status }> {
  const res = await fetch(`${payload.statusQueryGetUri}${query}`);
  return { code: res.status, body: (await res.json()) as Status };
}

async function raise(payload: CheckStatus, eventName: string, data: unknown): Promise<void> {
  const res = await fetch(payload.sendEventPostUri.replace('{eventName}', eventName), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  expect(res.status).toBe(202);
  await host.engine.idle();
}

/** The history as the extension shows it, one short label per event. */
async function history(payload: CheckStatus): Promise<string[]> {
  const { body } = await status(payload, '&showHistory=true');
  return (body.historyEvents ?? []).map((e) =>
    [e.EventType, e.FunctionName ?? e.Name].filter((part) => part !== undefined).join(' '),
  );
}

async function finished(payload: CheckStatus): Promise<Status> {
  await host.engine.idle();
  const { code, body } = await status(payload);
  expect(code).toBe(200);
  return body;
}

// A loopback API for callHttp: /weather answers at once, /jobs answers 202 + Location and is done after one poll.
let api: http.Server;
let apiBase = '';
let polls = 0;
beforeAll(async () => {
  api = http.createServer((req, res) => {
    if (req.url === '/weather')
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"sky":"clear"}');
    else if (req.url === '/jobs')
      res.writeHead(202, { Location: `${apiBase}/jobs/status`, 'Retry-After': '10' }).end();
    else if (req.url === '/jobs/status' && polls++ === 0)
      res.writeHead(202, { Location: `${apiBase}/jobs/status`, 'Retry-After': '10' }).end();
    else if (req.url === '/jobs/status') res.writeHead(200).end('job done');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiBase = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  host = await startOfflineHost({ appDir: APP, port: 0, inMemory: true, clock: 'virtual', appLog: () => {} });
});
afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => api.close(() => r()));
});

describe('fidelity: the official samples, on the offline host', () => {
  it('function chaining returns every greeting in order', async () => {
    const run = await start('helloSequence');
    const done = await finished(run);
    expect(done).toMatchObject({
      runtimeStatus: 'Completed',
      output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
    });
    expect(await history(run)).toEqual([
      'ExecutionStarted helloSequence',
      'TaskCompleted sayHello',
      'TaskCompleted sayHello',
      'TaskCompleted sayHello',
      'ExecutionCompleted',
    ]);
  });

  it('fan-out/fan-in runs the copies in parallel and sums them', async () => {
    const run = await start('backupSiteContent', { count: 5 });
    expect((await finished(run)).output).toBe(100 + 200 + 300 + 400 + 500);
    const events = await history(run);
    expect(events.filter((e) => e === 'TaskCompleted copyFileToBlob')).toHaveLength(5);
    expect(events[1]).toBe('TaskCompleted getFileList');
  });

  it('phone verification: a wrong code, then the right one, authorizes within the deadline', async () => {
    const run = await start('smsPhoneVerification', '+1-425-555-0142');
    await raise(run, 'SmsChallengeResponse', 1234);
    expect((await status(run)).code).toBe(202);
    await raise(run, 'SmsChallengeResponse', 142);
    expect(await finished(run)).toMatchObject({ runtimeStatus: 'Completed', output: true });
    // The deadline timer raced a second time is scheduled again by the extension, with the same fireAt.
    const timers = ((await status(run, '&showHistory=true')).body.historyEvents ?? []).filter(
      (e) => e.EventType === 'TimerCreated',
    );
    expect(timers).toHaveLength(2);
    expect(timers[0]?.FireAt).toBe(timers[1]?.FireAt);
  });

  it('phone verification: no right code before the deadline is refused', async () => {
    const run = await start('smsPhoneVerification', '+1-425-555-0199');
    await raise(run, 'SmsChallengeResponse', 1);
    await host.advance(180_000);
    expect(await finished(run)).toMatchObject({ runtimeStatus: 'Completed', output: false });
    expect((await history(run)).slice(-3)).toEqual(['TimerFired', 'TimerFired', 'ExecutionCompleted']);
  });

  it('monitor polls on a durable timer until the condition holds', async () => {
    const run = await start('monitor', { clearAfterPolls: 3, pollingIntervalSeconds: 60, expiryMinutes: 10 });
    expect((await status(run)).body.runtimeStatus).toBe('Running');
    await host.advance(60_000);
    await host.advance(60_000);
    expect(await finished(run)).toMatchObject({ output: { cleared: true, polls: 3 } });
    const events = await history(run);
    expect(events.filter((e) => e === 'TimerFired')).toHaveLength(2);
    expect(events.at(-2)).toBe('TaskCompleted sendAlert');
  });

  it('monitor gives up when it expires', async () => {
    const run = await start('monitor', {
      clearAfterPolls: 99,
      pollingIntervalSeconds: 120,
      expiryMinutes: 5,
    });
    await host.advance(6 * 60_000);
    expect(await finished(run)).toMatchObject({ output: { cleared: false, polls: 3 } });
  });

  it('counter entity: signals from a client, calls from an orchestration, state over both APIs', async () => {
    const signal = (op: string, body?: unknown) =>
      fetch(`${host.baseUrl}/api/counter/c1/${op}`, {
        method: 'POST',
        body: body === undefined ? '' : JSON.stringify(body),
      });
    expect((await signal('add', 3)).status).toBe(202);
    expect((await signal('add', 4)).status).toBe(202);
    await host.engine.idle();
    expect(await (await fetch(`${host.baseUrl}/api/counter/c1`)).json()).toEqual({
      entityExists: true,
      entityState: 7,
    });

    const run = await start('addThenRead', 'c1');
    expect((await finished(run)).output).toBe(22);
    const entity = await fetch(
      `${host.baseUrl}/runtime/webhooks/durabletask/entities/counter/c1?code=${host.systemKey}`,
    );
    expect(await entity.json()).toBe(22);
    expect(await history(run)).toEqual(
      [
        'ExecutionStarted addThenRead',
        'EventSent op',
        'EventSent op',
        'EventRaised',
        'EventSent op',
        'EventRaised',
        'ExecutionCompleted',
      ].map((e) => (e === 'EventRaised' ? expect.stringMatching(/^EventRaised [0-9a-f-]{36}$/) : e)),
    );
  });

  it('sub-orchestration with retry completes after the child fails twice', async () => {
    const run = await start('parentWithRetry', { key: 'sub-1', failures: 2 });
    expect((await status(run)).body.runtimeStatus).toBe('Running');
    await host.advance(5000);
    await host.advance(5000);
    expect(await finished(run)).toMatchObject({ output: { child: 'succeeded on attempt 3' } });
    expect(await history(run)).toEqual([
      'ExecutionStarted parentWithRetry',
      'SubOrchestrationInstanceFailed flakyChild',
      'TimerCreated',
      'TimerFired',
      'SubOrchestrationInstanceFailed flakyChild',
      'TimerCreated',
      'TimerFired',
      'SubOrchestrationInstanceCompleted flakyChild',
      'ExecutionCompleted',
    ]);
  });

  it('sub-orchestration with retry fails once its attempts run out', async () => {
    const run = await start('parentWithRetry', { key: 'sub-2', failures: 5 });
    await host.advance(5000);
    await host.advance(5000);
    const done = await finished(run);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toMatch(/attempt 3 of sub-2 fails/);
  });

  it('continue-as-new runs one round per execution and keeps only the last history', async () => {
    const run = await start('periodicCleanup', { round: 1, rounds: 3 });
    expect((await status(run)).body.runtimeStatus).toBe('Running');
    await host.advance(3600_000);
    await host.advance(3600_000);
    const done = await finished(run);
    expect(done).toMatchObject({
      runtimeStatus: 'Completed',
      input: { round: 3, rounds: 3 },
      output: { rounds: 3 },
    });
    expect(await history(run)).toEqual([
      'ExecutionStarted periodicCleanup',
      'TaskCompleted cleanup',
      'ExecutionCompleted',
    ]);
  });

  it('callHttp returns the response of a plain call', async () => {
    const run = await start('callHttpApi', { url: `${apiBase}/weather` });
    expect((await finished(run)).output).toEqual({ statusCode: 200, content: '{"sky":"clear"}' });
    expect(await history(run)).toEqual([
      'ExecutionStarted callHttpApi',
      'TaskCompleted BuiltIn::HttpActivity',
      'ExecutionCompleted',
    ]);
  });

  it('callHttp follows 202 + Location, waiting Retry-After on durable timers', async () => {
    const run = await start('callHttpApi', { url: `${apiBase}/jobs`, method: 'POST' });
    await host.advance(10_000);
    expect((await status(run)).body.runtimeStatus).toBe('Running');
    await host.advance(10_000);
    expect((await finished(run)).output).toEqual({ statusCode: 200, content: 'job done' });
    expect(await history(run)).toEqual([
      'ExecutionStarted callHttpApi',
      'TaskCompleted BuiltIn::HttpActivity',
      'TimerCreated',
      'TimerFired',
      'TaskCompleted BuiltIn::HttpActivity',
      'TimerCreated',
      'TimerFired',
      'TaskCompleted BuiltIn::HttpActivity',
      'ExecutionCompleted',
    ]);
  });

  it('a cancelled timer lets the approval complete at once', async () => {
    const run = await start('approvalWorkflow');
    await raise(run, 'ApprovalEvent', true);
    expect(await finished(run)).toMatchObject({ runtimeStatus: 'Completed', output: 'approved' });
    expect(await history(run)).toEqual([
      'ExecutionStarted approvalWorkflow',
      'TimerCreated',
      'EventRaised ApprovalEvent',
      'ExecutionCompleted',
    ]);
  });

  it('an unanswered approval escalates at the deadline', async () => {
    const run = await start('approvalWorkflow');
    await host.advance(72 * 3600_000);
    expect((await finished(run)).output).toBe('escalated');
  });

  it('a cancelled timer still fires into an instance that keeps running', async () => {
    const run = await start('cancelThenWait');
    await raise(run, 'first', 1);
    await host.advance(3600_000);
    await raise(run, 'second', 2);
    expect((await finished(run)).output).toEqual([1, 2]);
    expect(await history(run)).toEqual([
      'ExecutionStarted cancelThenWait',
      'TimerCreated',
      'EventRaised first',
      'TimerFired',
      'EventRaised second',
      'ExecutionCompleted',
    ]);
  });

  it('terminate and purge through the URLs the starter returned', async () => {
    const run = await start('approvalWorkflow');
    const terminated = await fetch(run.terminatePostUri.replace('{text}', 'no%20longer%20needed'), {
      method: 'POST',
    });
    expect(terminated.status).toBe(202);
    expect(await finished(run)).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
    expect((await fetch(run.purgeHistoryDeleteUri, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(run.statusQueryGetUri)).status).toBe(404);
  });
});
