/**
 * What the Durable extension's shim makes of an orchestrator's actions, including where the real host
 * goes wrong: the same thing must go wrong offline, with a warning in the host log that names it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, shape, startHost, type Host } from './harness.js';

describe('offline engine: the extension shim replay', () => {
  let host: Host | undefined;
  let warnings: string[] = [];
  const start = async () => {
    warnings = [];
    host = await startHost('shim', { log: (line) => line.includes('WARNING') && warnings.push(line) });
    return host;
  };
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('schedules a deadline timer raced again as a new timer, and phone verification still completes', async () => {
    const { engine } = await start();
    const id = await engine.startNew('phoneVerification', { input: '+1-555-1234' });
    await engine.idle();
    await engine.raiseEvent(id, 'SmsChallengeResponse', 1);
    await engine.idle();
    await engine.raiseEvent(id, 'SmsChallengeResponse', 1234);
    await engine.idle();

    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toBe(true);
    const history = engine.getHistory(id) ?? [];
    expect(shape(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted→0',
      'TimerCreated#1',
      'EventRaised(SmsChallengeResponse)',
      'TimerCreated#2',
      'EventRaised(SmsChallengeResponse)',
      'ExecutionCompleted',
    ]);
    const fireAts = history.filter((e) => e.EventType === 10).map((e) => e.FireAt);
    expect(fireAts).toEqual(['2026-01-01T00:03:00.000Z', '2026-01-01T00:03:00.000Z']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /passed to a second Task\.any\/Task\.all.*harmless only when nothing is scheduled after/,
    );
  });

  it('times phone verification out once both copies of the deadline have fired', async () => {
    const { engine, clock } = await start();
    const id = await engine.startNew('phoneVerification', { input: '+1-555-1234' });
    await engine.idle();
    await engine.raiseEvent(id, 'SmsChallengeResponse', 1);
    await engine.idle();
    await clock.advance(180_000);

    expect((await engine.getStatus(id))?.output).toBe(false);
    expect(shape(engine.getHistory(id)).slice(-3)).toEqual([
      'TimerFired→1',
      'TimerFired→2',
      'ExecutionCompleted',
    ]);
  });

  it('lets results reach the wrong tasks once work is scheduled after a re-raced timer, as the real host does', async () => {
    const { engine, clock } = await start();
    const id = await engine.startNew('reraceThenWork');
    await engine.idle();
    await engine.raiseEvent(id, 'evidence', 'a');
    await engine.idle();
    await engine.raiseEvent(id, 'evidence', 'b');
    await engine.idle();
    // The second note is task #3 for the extension and #2 for the library: its result reaches nothing.
    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(shape(engine.getHistory(id))).toContain('TaskCompleted→3');

    // At the deadline the re-raced timer's copy (#2) completes the library's second note with no result.
    await clock.advance(HOUR);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toMatch(/Cannot cancel a completed task/);
    expect(warnings.some((w) => /Task ids have drifted: 'note'/.test(w))).toBe(true);
  });

  it('keeps an instance Running until the timer it did not cancel fires', async () => {
    const { engine, clock } = await start();
    const id = await engine.startNew('uncancelledTimer');
    await engine.idle();
    await engine.raiseEvent(id, 'approval', true);
    await engine.idle();
    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(warnings[0]).toMatch(/timer #0 \(fires 2026-01-01T01:00:00.000Z\).*still outstanding/);

    await clock.advance(HOUR);
    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toBe('approved');
  });

  it('waits for every task of a Task.all the library abandoned after a failure', async () => {
    const { engine } = await start();
    const id = await engine.startNew('allFailsFast');
    await engine.idle();
    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(warnings[0]).toMatch(/still waiting on an earlier Task\.all/);

    await engine.raiseEvent(id, 'release', true);
    await engine.idle();
    expect((await engine.getStatus(id))?.output).toBe('caught: Error: boom');
  });

  it('surfaces the last failed retry after the back-compat timer that fires at once', async () => {
    const { engine, clock } = await start();
    const id = await engine.startNew('retryExhausted');
    await engine.idle();
    await clock.advance(1000);

    expect((await engine.getStatus(id))?.output).toBe('gave up');
    const timers = (engine.getHistory(id) ?? []).filter((e) => e.EventType === 10);
    // The first retry waits firstRetryInterval; the timer after the last attempt fires when it is created.
    expect(timers.map((e) => [e.Timestamp, e.FireAt])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z'],
      ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z'],
    ]);
  });

  it('hangs, with a warning, when a retry policy stops without a retry timer', async () => {
    const { engine, clock } = await start();
    const id = await engine.startNew('retryWithoutTimer');
    await engine.idle();
    await clock.advance(24 * HOUR);

    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(shape(engine.getHistory(id))).toEqual(['ExecutionStarted', 'TaskScheduled#0', 'TaskFailed→0']);
    expect(warnings[0]).toMatch(/maxRetryIntervalInMilliseconds is 0.*waits forever/);
  });

  it('never schedules a call to an activity that does not exist, and names it in a warning', async () => {
    const { engine } = await start();
    const id = await engine.startNew('missingActivity');
    await engine.idle();

    expect((await engine.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(shape(engine.getHistory(id))).toEqual(['ExecutionStarted']);
    expect(warnings[0]).toMatch(
      /The function 'doesNotExist' doesn't exist, is disabled, or is not an activity function\. Additional info: The following are the known activity functions: 'sendSmsChallenge', 'note', 'boom'\./,
    );
  });

  it('fails an instance that signals an entity that does not exist, with the extension message', async () => {
    const { engine } = await start();
    const id = await engine.startNew('signalMissingEntity');
    await engine.idle();

    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toBe(
      "Orchestrator function 'signalMissingEntity' failed: The function 'ghost' doesn't exist, is disabled, or is not an entity function. Additional info: The following are the known entity functions: 'counter'.",
    );
  });

  it('refuses entity locks exactly as the library does against the bundled extension (schema V3)', async () => {
    const { engine } = await start();
    const id = await engine.startNew('entityLock');
    await engine.idle();

    const status = await engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toMatch(
      /lock requires a Durable Functions extension that supports OOProc schema V4 or higher \(this extension supports up to V3\)/,
    );
  });
});
