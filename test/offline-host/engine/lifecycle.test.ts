import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, GoneError, NotFoundError } from '../../../scripts/offline-host/types.js';
import { shape, startHost, type Host } from './harness.js';

describe('offline engine: failures and instance management', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('records FailureDetails on TaskFailed and lets the orchestrator catch the failure', async () => {
    host = await startHost('failure');
    const id = await host.engine.startNew('catching');
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toMatchObject({ type: 'PaymentDeclinedError' });
    expect(String((status?.output as { message: string }).message)).toContain('declined card-42');
    const failed = host.engine.getHistory(id)?.find((e) => e.EventType === 6);
    expect(failed).toMatchObject({
      TaskScheduledId: 0,
      FailureDetails: {
        ErrorType: 'PaymentDeclinedError',
        ErrorMessage: 'declined card-42',
        IsNonRetriable: false,
      },
    });
  });

  it('fails the instance with the extension’s message when the orchestrator throws', async () => {
    host = await startHost('failure');
    const id = await host.engine.startNew('failing');
    await host.engine.idle();

    const status = await host.engine.getStatus(id, { showHistory: true });
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toMatch(/^Orchestrator function 'failing' failed: .*declined card-7/);
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskFailed→0',
      'ExecutionCompleted',
    ]);
    expect(host.engine.getHistory(id)?.at(-2)).toMatchObject({ OrchestrationStatus: 'Failed' });
  });

  it('still sends what the orchestrator issued in the episode it failed in', async () => {
    host = await startHost('failure');
    const id = await host.engine.startNew('signalThenThrow');
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Failed');
    expect(await host.engine.readEntityState('tally', 'audit')).toEqual({ exists: true, state: 1 });
  });

  it('terminates a waiting instance; later events are refused as gone', async () => {
    host = await startHost('waiting');
    const id = await host.engine.startNew('waitForGo');
    await host.engine.idle();
    await host.engine.terminate(id, 'analyst closed the case');
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Terminated');
    expect(status?.output).toBe('analyst closed the case');
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'ExecutionTerminated',
      'ExecutionCompleted',
    ]);
    await expect(host.engine.raiseEvent(id, 'go', 1)).rejects.toBeInstanceOf(GoneError);
  });

  it('holds events while suspended and processes them after resume', async () => {
    host = await startHost('waiting');
    const id = await host.engine.startNew('waitForGo');
    await host.engine.idle();
    await host.engine.suspend(id, 'investigating');
    await host.engine.idle();
    await host.engine.raiseEvent(id, 'go', 'now');
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Suspended');

    await host.engine.resume(id, 'done');
    await host.engine.idle();
    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ go: 'now' });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'ExecutionSuspended',
      'ExecutionResumed',
      'EventRaised(go)',
      'ExecutionCompleted',
    ]);
  });

  it('purges a finished instance but refuses to purge a running one', async () => {
    host = await startHost('waiting');
    const id = await host.engine.startNew('waitForGo', { instanceId: 'purge-me' });
    await host.engine.idle();
    await expect(host.engine.purge(id)).rejects.toBeInstanceOf(ConflictError);

    await host.engine.raiseEvent(id, 'go', true);
    await host.engine.idle();
    expect(await host.engine.purge(id)).toEqual({ instancesDeleted: 1 });
    expect(await host.engine.getStatus(id)).toBeUndefined();
    expect(await host.engine.purge(id)).toEqual({ instancesDeleted: 0 });
    await expect(host.engine.raiseEvent(id, 'go', true)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to start a second instance with the id of a running one', async () => {
    host = await startHost('waiting');
    await host.engine.startNew('waitForGo', { instanceId: 'dup' });
    await expect(host.engine.startNew('waitForGo', { instanceId: 'dup' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('queries instances by status and pages them', async () => {
    host = await startHost('waiting');
    for (const n of [1, 2, 3]) await host.engine.startNew('waitForGo', { instanceId: `q${n}` });
    await host.engine.idle();
    await host.engine.raiseEvent('q2', 'go', 1);
    await host.engine.idle();

    const running = await host.engine.query({ runtimeStatus: ['Running'] });
    expect(running.instances.map((i) => i.instanceId)).toEqual(['q1', 'q3']);
    const page = await host.engine.query({ top: 2 });
    expect(page.instances).toHaveLength(2);
    const rest = await host.engine.query({ top: 2, continuationToken: page.continuationToken });
    expect(rest.instances.map((i) => i.instanceId)).toEqual(['q3']);
  });
});
