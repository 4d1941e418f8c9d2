/** context.df.callHttp through the offline host's built-in HTTP activity, against a loopback server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shape, startHost, type Host } from './harness.js';

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let pollsLeft = 0;
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/plain') {
        res.setHeader('X-Custom', 'v');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('Content-Type', 'text/plain');
        res.end('hello');
      } else if (req.url === '/jobs' && req.method === 'POST') {
        res.writeHead(202, { Location: `${base}/jobs/1/status`, 'Retry-After': '1' }).end();
      } else if (req.url === '/jobs/1/status') {
        if (pollsLeft-- > 0) res.writeHead(202, { Location: `${base}/jobs/1/status` }).end();
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"done":true}');
      } else if (req.url === '/echo') {
        res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body }));
      } else if (req.url === '/accepted') {
        res.writeHead(202).end();
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('offline engine: callHttp', () => {
  let host: Host | undefined;
  let warnings: string[] = [];
  const start = async () => {
    warnings = [];
    seen.length = 0;
    host = await startHost('call-http', { log: (l) => l.includes('WARNING') && warnings.push(l) });
    return host;
  };
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('returns a DurableHttpResponse with the response headers only, as the extension builds it', async () => {
    const { engine } = await start();
    const id = await engine.startNew('fetchOne', { input: { url: `${base}/plain` } });
    await engine.idle();

    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    const out = status?.output as { statusCode: number; content: string; headers: Record<string, unknown> };
    expect(out.statusCode).toBe(200);
    expect(out.content).toBe('hello');
    expect(out.headers['X-Custom']).toBe('v');
    expect(out.headers['Set-Cookie']).toEqual(['a=1', 'b=2']);
    expect(Object.keys(out.headers).map((k) => k.toLowerCase())).not.toContain('content-type');
    const scheduled = (engine.getHistory(id) ?? []).find((e) => e.EventType === 4);
    expect(scheduled?.Name).toBe('BuiltIn::HttpActivity');
  });

  it('polls a 202 + Location on durable timers (Retry-After, else 30 s), without the function key', async () => {
    const { engine, clock } = await start();
    pollsLeft = 1;
    const id = await engine.startNew('fetchOne', {
      input: { url: `${base}/jobs`, method: 'POST', headers: { 'x-functions-key': 'secret' } },
    });
    await engine.idle();
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /jobs']);

    await clock.advance(1000);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /jobs', 'GET /jobs/1/status']);
    await clock.advance(29_000);
    expect(seen).toHaveLength(2);
    await clock.advance(1000);

    const status = await engine.getStatus(id);
    expect(status?.output).toMatchObject({ statusCode: 200, content: '{"done":true}' });
    expect(seen[0]?.headers['x-functions-key']).toBe('secret');
    expect(seen.slice(1).every((s) => s.headers['x-functions-key'] === undefined)).toBe(true);
    expect(shape(engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted→0',
      'TimerCreated#1',
      'TimerFired→1',
      'TaskScheduled#2',
      'TaskCompleted→2',
      'TimerCreated#3',
      'TimerFired→3',
      'TaskScheduled#4',
      'TaskCompleted→4',
      'ExecutionCompleted',
    ]);
  });

  it('returns the 202 itself when polling is off', async () => {
    const { engine } = await start();
    const id = await engine.startNew('fetchOne', {
      input: { url: `${base}/jobs`, method: 'POST', enablePolling: false },
    });
    await engine.idle();
    expect((await engine.getStatus(id))?.output).toMatchObject({ statusCode: 202 });
  });

  it('sends content as text/plain unless a Content-Type is given', async () => {
    const { engine } = await start();
    const plain = await engine.startNew('fetchOne', {
      input: { url: `${base}/echo`, method: 'POST', body: 'x=1' },
    });
    const typed = await engine.startNew('fetchOne', {
      input: {
        url: `${base}/echo`,
        method: 'PUT',
        body: { a: 1 },
        headers: { 'Content-Type': 'application/json' },
      },
    });
    await engine.idle();
    const content = async (id: string) =>
      JSON.parse(((await engine.getStatus(id))?.output as { content: string }).content) as unknown;
    expect(await content(plain)).toEqual({ method: 'POST', type: 'text/plain', body: 'x=1' });
    expect(await content(typed)).toEqual({ method: 'PUT', type: 'application/json', body: '{"a":1}' });
  });

  it('fails a call that needs a managed identity token with a message that says why', async () => {
    const { engine } = await start();
    const id = await engine.startNew('fetchWithIdentity', { input: `${base}/plain` });
    await engine.idle();
    expect((await engine.getStatus(id))?.output).toMatch(
      /managed identity.*offline host has no managed identity/s,
    );
    expect(seen).toHaveLength(0);
  });

  it('loses the next result after a 202 without Location, as the extension does, with a warning', async () => {
    const { engine, clock } = await start();
    const id = await engine.startNew('fetchThenWork', { input: `${base}/accepted` });
    await engine.idle();
    await clock.advance(30_000);

    // The extension's 30 s poll timer took the id durable-functions gave 'after': the timer completed it.
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ statusCode: 202 });
    expect(shape(engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted→0',
      'TimerCreated#1',
      'TimerFired→1',
      'TaskScheduled#2',
      'TaskCompleted→2',
      'ExecutionCompleted',
    ]);
    expect(warnings[0]).toMatch(/202 Accepted without a Location header/);
  });
});
