import { afterEach, describe, expect, it } from 'vitest';
import { DAY, HOUR, shape, startHost, type Host } from './harness.js';

describe('offline engine: timers and external events', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('lets the approval event win the race, cancels the losing timer and completes', async () => {
    host = await startHost('race');
    const id = await host.engine.startNew('approval');
    await host.engine.idle();
    await host.clock.advance(1 * HOUR);
    await host.engine.raiseEvent(id, 'approval', { approved: true });
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ outcome: 'approved', at: '2026-01-01T01:00:00.000Z' });
    // The cancelled timer never fires into the instance, even once its time has passed.
    await host.clock.advance(100 * HOUR);
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'EventRaised(approval)',
      'ExecutionCompleted',
    ]);
  });

  it("still delivers a cancelled timer's TimerFired to a running instance, which the library ignores", async () => {
    // DurableTask.Core's CreateTimer leaves the timer scheduled when its token is cancelled: DTS fires it.
    host = await startHost('cancel-timer');
    const id = await host.engine.startNew('cancelThenContinue');
    await host.engine.idle();
    await host.engine.raiseEvent(id, 'first', 1);
    await host.engine.idle();
    await host.clock.advance(2 * HOUR);
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.engine.raiseEvent(id, 'second', 2);
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.output).toEqual({ first: 1, second: 2 });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'EventRaised(first)',
      'TimerFired→0',
      'EventRaised(second)',
      'ExecutionCompleted',
    ]);
  });

  it('lets the 72-hour timer win the race when no event arrives', async () => {
    host = await startHost('race');
    const id = await host.engine.startNew('approval');
    await host.engine.idle();
    await host.clock.advance(71 * HOUR);
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.clock.advance(1 * HOUR);
    const status = await host.engine.getStatus(id);
    expect(status?.output).toEqual({ outcome: 'timedOut', at: '2026-01-04T00:00:00.000Z' });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'TimerFired→0',
      'ExecutionCompleted',
    ]);
  });

  it('delivers an event raised to a pending instance in its first episode', async () => {
    host = await startHost('race');
    const id = await host.engine.startNew('approval');
    await host.engine.raiseEvent(id, 'approval', { approved: false });
    await host.engine.idle();

    expect((await host.engine.getStatus(id))?.output).toMatchObject({ outcome: 'rejected' });
  });

  it('buffers an event raised before the orchestration waits for it', async () => {
    host = await startHost('buffered-event');
    const id = await host.engine.startNew('prepareThenWait');
    // Let the first episode schedule the activity, then raise while the activity is still queued.
    await new Promise((resolve) => setImmediate(resolve));
    await host.engine.raiseEvent(id, 'decision', 'approve');
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.output).toEqual({ prepared: 'prepared case-1', decision: 'approve' });
    const history = shape(host.engine.getHistory(id));
    expect(history.indexOf('EventRaised(decision)')).toBeLessThan(history.indexOf('TaskCompleted→0'));
  });

  it("splits a 10-day timer into the extension's sub-timers and wakes exactly at the final time", async () => {
    host = await startHost('long-timer', {
      maximumShortTimerDuration: '6.00:00:00',
      longRunningTimerIntervalDuration: '3.00:00:00',
    });
    const id = await host.engine.startNew('sleepy');
    await host.engine.idle();
    await host.clock.advance(9 * DAY);
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.clock.advance(1 * DAY);
    expect((await host.engine.getStatus(id))?.output).toEqual({ woke: '2026-01-11T00:00:00.000Z' });
    const history = host.engine.getHistory(id) ?? [];
    expect(shape(history)).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'TimerFired→0',
      'TimerCreated#1',
      'TimerFired→1',
      'TimerCreated#2',
      'TimerFired→2',
      'TimerCreated#3',
      'TimerFired→3',
      'ExecutionCompleted',
    ]);
    // DurableOrchestrationContext.CreateTimer: 3-day intervals while at least one interval remains, then the rest.
    expect(history.filter((e) => e.EventType === 10).map((e) => e.FireAt)).toEqual([
      '2026-01-04T00:00:00.000Z',
      '2026-01-07T00:00:00.000Z',
      '2026-01-10T00:00:00.000Z',
      '2026-01-11T00:00:00.000Z',
    ]);
  });
});
