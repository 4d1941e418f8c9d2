/**
 * Functions the host cannot run are reported at start and never run; the Durable Task Scheduler's
 * payload and instance-id limits fail offline where DTS would refuse, naming the limit.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineHost, type OfflineHost } from '../../../scripts/offline-host/index.js';

const APP = path.join(__dirname, '..', 'fixtures', 'limits');
const MB = 1024 * 1024;
let host: OfflineHost;
const logs: string[] = [];

const api = (p: string, init: RequestInit = {}) => {
  const u = new URL(`${host.baseUrl}/runtime/webhooks/durabletask/${p}`);
  u.searchParams.set('code', host.systemKey);
  return fetch(u, init);
};

async function run(name: string, input?: unknown) {
  const id = await host.engine.startNew(name, input === undefined ? {} : { input });
  await host.engine.idle();
  return (await host.engine.getStatus(id))!;
}

beforeAll(async () => {
  host = await startOfflineHost({
    appDir: APP,
    port: 0,
    inMemory: true,
    clock: 'virtual',
    log: (line) => logs.push(line),
  });
});
afterAll(async () => {
  await host?.stop();
});

describe('functions in error', () => {
  it('reports a function with a binding the host cannot run, and one whose %setting% does not resolve', () => {
    expect(host.functionErrors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^The 'withBlob' function is in error: The binding type\(s\) 'blob' are not registered\..*offline host runs HTTP, timer, Durable Functions and MCP bindings only/,
      ),
      expect.stringMatching(
        /^The 'scheduled' function is in error: Microsoft\.Azure\.WebJobs\.Host: Error indexing method 'Functions\.scheduled'\. Microsoft\.Azure\.WebJobs\.Host: '%MISSING_SCHEDULE%' does not resolve to a value\./,
      ),
    ]);
    expect(logs.filter((l) => l.includes('function is in error'))).toHaveLength(2);
  });

  it('never runs them, and runs the others', async () => {
    expect((await fetch(`${host.baseUrl}/api/with-blob`)).status).toBe(404);
    expect(await (await fetch(`${host.baseUrl}/api/ok`)).text()).toBe('fine');
    expect(host.functions.map((f) => f.name)).not.toContain('scheduled');
  });
});

describe('Durable Task Scheduler limits', () => {
  it('fails an activity whose result is over 1 MB, on every attempt', async () => {
    const id = await host.engine.startNew('bigActivityOutput');
    await host.engine.idle();
    await host.advance(2000);
    const status = (await host.engine.getStatus(id))!;
    expect(status.output).toMatch(
      /The output of activity 'bigResult' \(task #4\) is 1,048,579 bytes; .*at most 1,048,576 bytes \(1 MB\)/,
    );
    const scheduled = host.engine.getHistory(id)?.filter((e) => e.EventType === 4);
    expect(scheduled).toHaveLength(3);
  });

  it('fails an orchestration whose activity input, output, custom status or child id DTS would refuse', async () => {
    const input = await run('bigActivityInput');
    expect(input.runtimeStatus).toBe('Failed');
    expect(input.output).toMatch(/The input of activity 'echoLength' \(task #0\) is 1,048,579 bytes/);
    expect(host.engine.getHistory(input.instanceId)?.some((e) => e.EventType === 4)).toBe(false);

    expect((await run('bigOutput')).output).toMatch(
      /The output of orchestration 'bigOutput' is 1,048,579 bytes/,
    );
    expect((await run('bigStatus')).output).toMatch(/The custom status of orchestration 'bigStatus'/);
    expect((await run('longChildId')).output).toMatch(
      /is 101 characters; the Durable Task Scheduler accepts at most 100/,
    );
  });

  it('runs payloads just under the limit', async () => {
    expect((await run('justUnderLimits')).output).toBe(MB - 100);
  });

  it('rolls an entity batch back when its state would pass 1 MB, and tells the caller', async () => {
    const status = await run('appendTwice');
    expect(status.output).toMatch(/The state of entity '@store@k' is 1,228,8\d\d bytes/);
    const state = await host.engine.readEntityState('store', 'k');
    expect((state.state as string).length).toBe(600 * 1024);
  });

  it('refuses client payloads and instance ids DTS would refuse', async () => {
    const bigStart = await api('orchestrators/bigOutput', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('y'.repeat(MB + 1)),
    });
    expect(bigStart.status).toBe(500);
    expect(((await bigStart.json()) as { ExceptionMessage: string }).ExceptionMessage).toMatch(
      /The input of orchestration 'bigOutput' is 1,048,579 bytes/,
    );

    const longId = await api(`orchestrators/bigOutput/${'i'.repeat(101)}`, { method: 'POST' });
    expect(longId.status).toBe(500);
    expect(((await longId.json()) as { ExceptionMessage: string }).ExceptionMessage).toMatch(/at most 100/);

    const atId = await api('orchestrators/bigOutput/@entity-like', { method: 'POST' });
    expect(atId.status).toBe(400);
    expect(await atId.json()).toMatchObject({
      ExceptionMessage: "instanceId (Parameter 'Orchestration instance ids must not start with @.')",
    });

    const waiting = await host.engine.startNew('waitsForEvent');
    const bigEvent = await api(`instances/${waiting}/raiseEvent/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('z'.repeat(MB + 1)),
    });
    expect(bigEvent.status).toBe(500);
    expect(((await bigEvent.json()) as { ExceptionMessage: string }).ExceptionMessage).toMatch(
      /The payload of event 'x'/,
    );
  });
});
