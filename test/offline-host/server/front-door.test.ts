import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../../scripts/offline-host/index.js';

const APP = path.join(__dirname, '..', 'fixtures', 'server-app');
const KEY = 'test-function-key';

let host: OfflineHost;
const url = (p: string) => `${host.baseUrl}${p}`;

beforeAll(async () => {
  process.env['FIXTURE_PRESET'] = 'from-environment';
  host = await startOfflineHost({
    appDir: APP,
    port: 0,
    inMemory: true,
    clock: 'virtual',
    functionKey: KEY,
    env: { FIXTURE_OVERRIDE: 'from-options' },
  });
});

afterAll(async () => {
  await host?.stop();
  delete process.env['FIXTURE_PRESET'];
});

describe('HTTP triggers', () => {
  it('fills route parameters from the template, with optional and constrained segments', async () => {
    expect(await (await fetch(url('/api/hello'))).text()).toBe('Hello, world');
    expect(await (await fetch(url('/api/hello/Ann%20Lee'))).text()).toBe('Hello, Ann Lee');
    expect(await (await fetch(url('/api/items/42'))).json()).toEqual({ id: 42 });
    expect(await (await fetch(url('/api/items/abc'))).json()).toEqual({ slug: 'abc' });
    expect((await fetch(url('/api/items/4a2'))).status).toBe(404);
  });

  it('answers 404 for an unknown route and 405 with a JSON error for a wrong method', async () => {
    const missing = await fetch(url('/api/nothing-here'));
    expect(missing.status).toBe(404);
    const wrong = await fetch(url('/api/cases/c1'), { method: 'PUT', headers: { 'x-functions-key': KEY } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, DELETE');
    expect(await wrong.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('requires the function key on function-level routes, as a header or ?code=, and answers 401 saying which key as JSON', async () => {
    const none = await fetch(url('/api/cases/c1'));
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await none.json()).toEqual({
      error: 'missing key',
      details: expect.stringContaining(
        'a function key (or the master key), sent as the x-functions-key header or ?code=',
      ),
    });
    const wrong = await fetch(url('/api/cases/c1?code=wrong'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'wrong key' });
    expect(await (await fetch(url('/api/cases/c1'), { headers: { 'x-functions-key': KEY } })).json()).toEqual(
      { caseId: 'c1', method: 'GET' },
    );
    expect((await fetch(url(`/api/cases/c1?code=${KEY}`))).status).toBe(200);
    expect((await fetch(url(`/api/cases/c1?code=${host.masterKey}`))).status).toBe(200);
  });

  it('opens admin-level routes to the master key only', async () => {
    expect((await fetch(url('/api/admin-thing'), { headers: { 'x-functions-key': KEY } })).status).toBe(401);
    const ok = await fetch(url('/api/admin-thing'), { headers: { 'x-functions-key': host.masterKey } });
    expect(await ok.text()).toBe('admin ok');
  });

  it('passes the request body in and the status, headers and body out', async () => {
    const res = await fetch(url('/api/echo'), {
      method: 'POST',
      body: 'abc',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(await res.json()).toEqual({ length: 3, contentType: 'text/plain' });
  });

  it('answers 413 as soon as a request declares a body over the host limit of 100 MB', async () => {
    const target = new URL(url('/api/echo'));
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-length': String(100 * 1024 * 1024 + 1) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('x'); // never sends the rest: the host must not wait for it
    });
    expect(status).toBe(413);
  });

  it('streams server-sent events as the function produces them instead of buffering the response', async () => {
    const started = Date.now();
    const res = await fetch(url('/api/stream'));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const arrivals: Array<{ at: number; text: string }> = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: Date.now() - started, text: Buffer.from(value).toString() });
    }
    const all = arrivals.map((a) => a.text).join('');
    expect(all).toBe('event: tick\ndata: 1\n\nevent: tick\ndata: 2\n\nevent: tick\ndata: 3\n\n');
    // The producer pauses 400 ms between events: the first must arrive well before the last.
    const first = arrivals[0] as { at: number; text: string };
    const last = arrivals[arrivals.length - 1] as { at: number; text: string };
    expect(first.text).toContain('data: 1');
    expect(last.at - first.at).toBeGreaterThanOrEqual(600);
  });

  it('loads local.settings.json Values without overriding the environment, and lets options override both', async () => {
    expect(await (await fetch(url('/api/settings'))).json()).toMatchObject({
      setting: 'from-local-settings',
      preset: 'from-environment',
      override: 'from-options',
    });
  });

  it('runs the appStart hooks once before serving', async () => {
    expect(await (await fetch(url('/api/settings'))).json()).toMatchObject({ appStartRuns: 1 });
  });
});

describe('durable client over HTTP', () => {
  it('starts an orchestration whose check-status URLs point at this host and work with their embedded key', async () => {
    const start = await fetch(url('/api/approvals'), {
      method: 'POST',
      headers: { 'x-functions-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: 'case-7' }),
    });
    expect(start.status).toBe(202);
    const payload = (await start.json()) as Record<string, string>;
    const id = payload['id'] as string;
    const statusUri = payload['statusQueryGetUri'] as string;
    expect(statusUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?taskHub=serverfixturehub&connection=Storage&code=${host.systemKey}`,
    );
    expect(start.headers.get('location')).toBe(statusUri);
    expect(Object.keys(payload)).toEqual([
      'id',
      'statusQueryGetUri',
      'sendEventPostUri',
      'terminatePostUri',
      'rewindPostUri',
      'purgeHistoryDeleteUri',
      'restartPostUri',
      'suspendPostUri',
      'resumePostUri',
    ]);

    await host.waitForStatus(id, ['Running']);
    const running = await fetch(statusUri);
    expect(running.status).toBe(202);
    expect(running.headers.get('retry-after')).toBe('5');
    expect(await running.json()).toMatchObject({
      name: 'approvalOrchestrator',
      instanceId: id,
      runtimeStatus: 'Running',
      input: { caseId: 'case-7' },
      output: null,
    });

    const raised = await fetch((payload['sendEventPostUri'] as string).replace('{eventName}', 'Approval'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ approved: true }),
    });
    expect(raised.status).toBe(202);
    await host.waitForStatus(id, ['Completed']);

    const done = await fetch(statusUri);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      runtimeStatus: 'Completed',
      output: 'recorded case-7: approved',
    });
    // The app's own client (RPC channel) sees the same instance.
    const viaApp = await fetch(url(`/api/approvals/${id}`), { headers: { 'x-functions-key': KEY } });
    expect(await viaApp.json()).toEqual({ runtimeStatus: 'Completed', output: 'recorded case-7: approved' });
  });

  it('raises events through the client: 202 while waiting, 404 for an unknown instance, 410 once completed', async () => {
    const start = await fetch(url('/api/approvals'), {
      method: 'POST',
      headers: { 'x-functions-key': KEY },
      body: JSON.stringify({ caseId: 'case-8' }),
    });
    const { id, sendEventPostUri } = (await start.json()) as { id: string; sendEventPostUri: string };
    await host.waitForStatus(id, ['Running']);

    const viaApp = await fetch(url(`/api/approvals/${id}/decision`), {
      method: 'POST',
      headers: { 'x-functions-key': KEY },
      body: JSON.stringify({ approved: false }),
    });
    expect(viaApp.status).toBe(202);
    expect((await host.waitForStatus(id, ['Completed'])).output).toBe('recorded case-8: rejected');

    const unknown = await fetch(url('/api/approvals/no-such-instance/decision'), {
      method: 'POST',
      headers: { 'x-functions-key': KEY },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ details: "No instance with ID 'no-such-instance' found." });

    const late = await fetch(sendEventPostUri.replace('{eventName}', 'Approval'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(late.status).toBe(410);
  });

  it('guards the webhook API with the system key and serves 404 for unknown instances', async () => {
    expect((await fetch(url('/runtime/webhooks/durabletask/instances/x'))).status).toBe(401);
    expect((await fetch(url(`/runtime/webhooks/durabletask/instances/x?code=${KEY}`))).status).toBe(401);
    expect(
      (await fetch(url(`/runtime/webhooks/durabletask/instances/x?code=${host.systemKey}`))).status,
    ).toBe(404);
  });

  it('starts, suspends, resumes and terminates through the webhook API with extension status codes', async () => {
    const code = `code=${host.systemKey}`;
    const started = await fetch(
      url(`/runtime/webhooks/durabletask/orchestrators/approvalOrchestrator/fixed-id-1?${code}`),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ caseId: 'case-9' }),
      },
    );
    expect(started.status).toBe(202);
    expect(((await started.json()) as { id: string }).id).toBe('fixed-id-1');
    await host.waitForStatus('fixed-id-1', ['Running']);
    const op = (name: string) =>
      fetch(url(`/runtime/webhooks/durabletask/instances/fixed-id-1/${name}?reason=test&${code}`), {
        method: 'POST',
      });
    expect((await op('suspend')).status).toBe(202);
    await host.waitForStatus('fixed-id-1', ['Suspended']);
    expect((await op('resume')).status).toBe(202);
    await host.waitForStatus('fixed-id-1', ['Running']);
    expect((await op('terminate')).status).toBe(202);
    await host.waitForStatus('fixed-id-1', ['Terminated']);
    expect((await op('terminate')).status).toBe(410);
    expect(
      (
        await fetch(url(`/runtime/webhooks/durabletask/orchestrators/noSuchOrchestrator?${code}`), {
          method: 'POST',
        })
      ).status,
    ).toBe(400);
    const purged = await fetch(url(`/runtime/webhooks/durabletask/instances/fixed-id-1?${code}`), {
      method: 'DELETE',
    });
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect((await fetch(url(`/runtime/webhooks/durabletask/instances/fixed-id-1?${code}`))).status).toBe(404);
  });
});
