import { afterEach, describe, expect, it } from 'vitest';
import { shape, startHost, type Host } from './harness.js';

describe('offline engine: orchestrations', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('runs an activity chain in order, one episode per completion', async () => {
    host = await startHost('chain');
    const id = await host.engine.startNew('helloCities', { instanceId: 'chain-1' });
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    const history = host.engine.getHistory(id);
    expect(shape(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted→0',
      'TaskScheduled#1',
      'TaskCompleted→1',
      'TaskScheduled#2',
      'TaskCompleted→2',
      'ExecutionCompleted',
    ]);
    expect(history?.filter((e) => e.EventType === 12)).toHaveLength(4);
    // DurableTask.Core writes an activity's input as its parameters array; the library JSON-encodes strings.
    expect(history?.find((e) => e.EventType === 4)?.Input).toBe('["\\"Tokyo\\""]');
  });

  it('retries a failing activity with a retry timer between attempts', async () => {
    host = await startHost('retry');
    const id = await host.engine.startNew('retrying', { input: { key: 'r1', maxAttempts: 5 } });
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.clock.advance(1000);
    await host.clock.advance(1000);

    const status = await host.engine.getStatus(id);
    expect(status?.output).toBe('ok after 3');
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskFailed→0',
      'TimerCreated#1',
      'TimerFired→1',
      'TaskScheduled#2',
      'TaskFailed→2',
      'TimerCreated#3',
      'TimerFired→3',
      'TaskScheduled#4',
      'TaskCompleted→4',
      'ExecutionCompleted',
    ]);
  });

  it('agrees with the library on ids when a retry failure and a resuming completion share an episode', async () => {
    host = await startHost('retry-race');
    const id = await host.engine.startNew('retryRace');
    await host.engine.idle();
    await host.clock.advance(1000);

    expect((await host.engine.getStatus(id))?.output).toEqual({ after: 'quick', retried: 'attempt 2' });
    const history = shape(host.engine.getHistory(id));
    // The failure (takes the retry timer's id 2) is replayed before the completion that resumes the code (id 3).
    expect(history.slice(0, 7)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskScheduled#1',
      'TaskFailed→0',
      'TaskCompleted→1',
      'TimerCreated#2',
      'TaskScheduled#3',
    ]);
  });

  it('fails the orchestration once retry attempts are exhausted', async () => {
    host = await startHost('retry');
    const id = await host.engine.startNew('retrying', { input: { key: 'r2', maxAttempts: 2 } });
    await host.engine.idle();
    await host.clock.advance(1000);
    await host.clock.advance(1000);

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(String(status?.output)).toContain("Orchestrator function 'retrying' failed");
    expect(String(status?.output)).toContain('attempt 2 failed');
    expect(shape(host.engine.getHistory(id)).slice(-4)).toEqual([
      'TaskFailed→2',
      'TimerCreated#3',
      'TimerFired→3',
      'ExecutionCompleted',
    ]);
  });

  it('runs a sub-orchestration and hands its output to the parent', async () => {
    host = await startHost('suborchestration');
    const id = await host.engine.startNew('parent', { instanceId: 'p1', input: 'Ada' });
    await host.engine.idle();

    expect((await host.engine.getStatus(id))?.output).toEqual({
      child: { greeting: 'Hello Ada', parent: 'p1' },
      parentId: 'p1',
    });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated#0',
      'SubOrchestrationInstanceCompleted→0',
      'ExecutionCompleted',
    ]);
    expect((await host.engine.getStatus('p1-child'))?.runtimeStatus).toBe('Completed');
  });

  it('retries a failed sub-orchestration as a new child after a retry timer', async () => {
    host = await startHost('sub-retry');
    const id = await host.engine.startNew('retryParent', { instanceId: 'sr', input: 'sr-key' });
    await host.engine.idle();
    await host.clock.advance(500);

    expect((await host.engine.getStatus(id))?.output).toBe('child ok on run 2');
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated#0',
      'SubOrchestrationInstanceFailed→0',
      'TimerCreated#1',
      'TimerFired→1',
      'SubOrchestrationInstanceCreated#2',
      'SubOrchestrationInstanceCompleted→2',
      'ExecutionCompleted',
    ]);
    // Children get DurableTask.Core's default ids: <parent execution id>:<task id>.
    const children = (host.engine.getHistory(id) ?? [])
      .filter((e) => e.EventType === 7)
      .map((e) => String(e['InstanceId']));
    expect(children).toHaveLength(2);
    expect(children[0]).toMatch(/^[0-9a-f-]{36}:0$/);
    expect(children[1]).toBe(children[0]!.replace(/:0$/, ':2'));
    expect((await host.engine.getStatus(children[0]!))?.runtimeStatus).toBe('Failed');
    expect((await host.engine.getStatus(children[1]!))?.runtimeStatus).toBe('Completed');
  });

  it('fans out 50 activities with Task.all in one episode and fans in their results', async () => {
    host = await startHost('fanout');
    const id = await host.engine.startNew('fanOut', { input: 50 });
    await host.engine.idle();

    expect((await host.engine.getStatus(id))?.output).toBe(42925);
    const history = shape(host.engine.getHistory(id));
    expect(history.filter((e) => e.startsWith('TaskScheduled'))).toEqual(
      Array.from({ length: 50 }, (_, i) => `TaskScheduled#${i}`),
    );
    expect(history.filter((e) => e.startsWith('TaskCompleted'))).toHaveLength(50);
  });

  it('sets custom status and a deterministic newGuid that survives replay', async () => {
    host = await startHost('custom-status');
    const id = await host.engine.startNew('reporting');
    await host.engine.idle();
    const waiting = await host.engine.getStatus(id);
    expect(waiting?.customStatus).toMatchObject({ stage: 'awaiting-review' });

    await host.engine.raiseEvent(id, 'review', { ok: true });
    await host.engine.idle();
    const done = await host.engine.getStatus(id);
    expect(done?.output).toEqual({
      review: { ok: true },
      guid: (waiting?.customStatus as { guid: string }).guid,
    });
    expect(done?.customStatus).toEqual({ stage: 'done' });
  });

  it('reports isReplaying only while past events are replayed', async () => {
    host = await startHost('replay-flag');
    await host.engine.startNew('replayAware');
    await host.engine.idle();

    expect((globalThis as { __replaySeen?: string[] }).__replaySeen).toEqual([
      'start:false',
      'start:true',
      'after1:false',
      'start:true',
      'after1:true',
      'after2:false',
    ]);
  });

  it('continues as new with a fresh history until the target count', async () => {
    host = await startHost('continue-as-new');
    const id = await host.engine.startNew('counter', { input: { count: 0, target: 3 } });
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ count: 3 });
    expect(status?.input).toEqual({ count: 2, target: 3 });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted→0',
      'ExecutionCompleted',
    ]);
  });

  it('drops an event the old execution did not consume at continue-as-new, as the extension does', async () => {
    host = await startHost('continue-as-new');
    const id = await host.engine.startNew('counter', { input: { count: 0, target: 2, waitForEvent: true } });
    await host.engine.raiseEvent(id, 'extra', 'raised to the first execution');
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.engine.raiseEvent(id, 'extra', 'raised to the last execution');
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.output).toEqual({
      count: 2,
      extra: 'raised to the last execution',
    });
  });
});
