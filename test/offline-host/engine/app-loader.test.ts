import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../../../scripts/offline-host/app-loader/index.js';
import { FIXTURES } from './harness.js';

const load = (fixture: string) => loadApp(path.join(FIXTURES, fixture), { log: () => {} });

async function readAll(body: Buffer | AsyncIterable<Uint8Array> | undefined): Promise<string> {
  if (!body) return '';
  if (Buffer.isBuffer(body)) return body.toString();
  const chunks: string[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk).toString());
  return chunks.join('');
}

describe('offline host: app loader', () => {
  it('captures every registration from a glob entry point with trigger metadata', async () => {
    const app = await load('loader');
    expect(app.functions.map((f) => [f.name, f.trigger])).toEqual([
      ['echo', 'httpTrigger'],
      ['nightly', 'timerTrigger'],
    ]);
    expect(app.functions[0]).toMatchObject({
      route: 'echo/{id}',
      methods: ['GET', 'POST'],
      authLevel: 'function',
    });
    expect(app.functions[1]).toMatchObject({ schedule: '0 0 2 * * *', runOnStartup: false });
  });

  it('invokes an http trigger with params, query, headers and body, honouring pre/post hooks', async () => {
    const app = await load('loader');
    const res = await app.invokeHttp('echo', {
      method: 'POST',
      url: 'http://localhost:7071/api/echo/42?q=fraud',
      headers: { 'x-case': 'c-1', 'content-type': 'text/plain' },
      body: Buffer.from('hello'),
      params: { id: '42' },
    });

    expect(res.status).toBe(201);
    expect(JSON.parse(await readAll(res.body))).toEqual({
      id: '42',
      q: 'fraud',
      header: 'c-1',
      body: 'hello',
      tagged: 'pre:echo',
    });
    const headers = new Map(res.headers.map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers.get('x-post')).toBe('seen');
    expect(headers.get('content-type')).toBe('application/json');
  });

  it('gives every invocation a fresh context', async () => {
    const app = await load('loader');
    const request = {
      method: 'GET',
      url: 'http://localhost:7071/api/echo/1',
      headers: {},
      params: { id: '1' },
    };
    const ids = await Promise.all([app.invokeHttp('echo', request), app.invokeHttp('echo', request)]);
    const invocation = (r: (typeof ids)[number]) =>
      r.headers.find(([k]) => k.toLowerCase() === 'x-invocation')?.[1];
    expect(invocation(ids[0]!)).not.toBe(invocation(ids[1]!));
  });

  it('invokes a timer trigger with isPastDue', async () => {
    const app = await load('loader');
    await app.invokeTimer('nightly', { isPastDue: true });
    // The fixture records each call's timer.isPastDue (reset when the app loads).
    expect((globalThis as { __loaderTimerCalls?: boolean[] }).__loaderTimerCalls).toEqual([true]);
  });

  it('loads the same app twice in one process with fresh registrations', async () => {
    const first = await load('loader');
    const second = await load('loader');
    expect(second.functions.map((f) => f.name)).toEqual(first.functions.map((f) => f.name));
  });

  it('streams a server-sent-events body through the library http proxy', async () => {
    const app = await load('streaming');
    expect(app.httpStreaming).toBe(true);
    const res = await app.invokeHttp('events', {
      method: 'GET',
      url: 'http://localhost:7071/api/events',
      headers: {},
      params: {},
    });
    expect(res.status).toBe(200);
    expect(Buffer.isBuffer(res.body)).toBe(false);
    expect(await readAll(res.body)).toBe('data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n');
  });

  it('passes a request body and route params through the streaming path', async () => {
    const app = await load('streaming');
    const res = await app.invokeHttp('upload', {
      method: 'POST',
      url: 'http://localhost:7071/api/upload/report.txt',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from('line 1'),
      params: { name: 'report.txt' },
    });
    expect(JSON.parse(await readAll(res.body))).toEqual({ name: 'report.txt', text: 'line 1' });
  });

  it('rejects with the function’s error when a streaming handler throws, instead of hanging', async () => {
    const app = await load('streaming');
    const request = { method: 'GET', url: 'http://localhost:7071/api/boom', headers: {}, params: {} };
    await expect(app.invokeHttp('boom', request)).rejects.toThrow('handler exploded');
  });

  it('hands the durable client binding to functions with a durableClient input', async () => {
    const app = await load('chain');
    app.setDurableClientBinding({
      taskHubName: 'TestHub',
      creationUrls: {},
      managementUrls: {},
      baseUrl: 'http://localhost:7071/runtime/webhooks/durabletask',
      requiredQueryStringParameters: '',
      rpcBaseUrl: 'http://127.0.0.1:7071/durabletask/',
    });
    const res = await app.invokeHttp('startHello', {
      method: 'POST',
      url: 'http://localhost:7071/api/hello/ada',
      headers: {},
      body: Buffer.from('x'),
      params: { name: 'ada' },
    });
    expect(JSON.parse(await readAll(res.body))).toEqual({ route: 'ada', body: 'x', hasClient: 'function' });
  });

  it('names the missing function when asked to invoke one the app does not have', async () => {
    const app = await load('loader');
    await expect(app.invokeActivity('nope', 1, 'i')).rejects.toThrow(/no activityTrigger named 'nope'/);
  });
});
