/**
 * Crash tests: the host runs as `cli.ts` in a child process on a SQLite data directory, is SIGKILLed at
 * a chosen moment, restarted on the same directory and driven to completion over HTTP. The fixture's
 * activities and entity operations append a line to a side-effect file, so the counts below are how
 * often each really ran across the crash.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durableApi, sideEffects, startCli, type CliProcess } from './cli-process.js';

const running: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
});

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'offline-host-crash-'));
  return { dataDir: path.join(dir, 'data'), sideEffectFile: path.join(dir, 'side-effects.log') };
}

async function start(ws: ReturnType<typeof workspace>, env?: Record<string, string>): Promise<CliProcess> {
  const cli = await startCli({ ...ws, env });
  running.push(cli);
  return cli;
}

/** Starts an instance on a host that may kill itself before the 202 reaches us (the start is committed first). */
async function startTolerantOfCrash(
  cli: CliProcess,
  orchestrator: string,
  instanceId: string,
  input?: unknown,
): Promise<void> {
  await durableApi(cli.baseUrl)
    .start(orchestrator, instanceId, input)
    .catch(() => undefined);
}

async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SIGKILL and restart on the same data directory', () => {
  it('resumes an orchestration killed while it waits for an external event, running each activity once', async () => {
    const ws = workspace();
    const first = await start(ws);
    const api = durableApi(first.baseUrl);
    expect((await api.start('waitThenFinish', 'wait-1')).status).toBe(202);
    // The first activity's result is committed once it shows in the history: from then on the
    // instance only waits for `Go`.
    await waitUntil(async () => {
      const s = await fetch(
        `${first.baseUrl}/runtime/webhooks/durabletask/instances/wait-1?showHistory=true&code=crash-test-master-key`,
      );
      const body = (await s.json()) as { historyEvents?: Array<{ EventType: string }> };
      return body.historyEvents?.some((e) => e.EventType === 'TaskCompleted') ?? false;
    }, 'the first activity to be committed');
    await first.kill();

    const second = await start(ws);
    const api2 = durableApi(second.baseUrl);
    expect((await api2.status('wait-1')).json).toMatchObject({ runtimeStatus: 'Running' });
    expect((await api2.raise('wait-1', 'Go', 'yes')).status).toBe(202);
    const done = await api2.waitFor('wait-1', ['Completed', 'Failed']);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: ['before-wait', 'after-wait:yes'] });
    expect(sideEffects(ws.sideEffectFile)).toEqual({ 'before-wait': 1, 'after-wait:yes': 1 });
  });

  it('re-runs an activity exactly once when killed after it finished but before its result was committed', async () => {
    const ws = workspace();
    // The engine SIGKILLs itself right after the first `sideEffect` activity returns (crash.ts).
    const first = await start(ws, { OFFLINE_HOST_CRASH_AT: 'after-activity:sideEffect' });
    await startTolerantOfCrash(first, 'twoSteps', 'steps-1');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(sideEffects(ws.sideEffectFile)).toEqual({ 'step-1': 1 });

    const second = await start(ws);
    const done = await durableApi(second.baseUrl).waitFor('steps-1', ['Completed', 'Failed']);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: ['step-1', 'step-2'] });
    // Activities are at-least-once: step-1's side effect happened, but its TaskCompleted never reached the
    // store, so its work item was still queued and ran again after the restart. That is the only
    // duplicate: step-2 (scheduled after the restart) ran once.
    expect(sideEffects(ws.sideEffectFile)).toEqual({ 'step-1': 2, 'step-2': 1 });
  });

  it('loses no episode when killed before an episode commits: the replayed episode schedules each activity once', async () => {
    const ws = workspace();
    const first = await start(ws, { OFFLINE_HOST_CRASH_AT: 'before-episode-commit:twoSteps' });
    await startTolerantOfCrash(first, 'twoSteps', 'steps-2');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    // Nothing was scheduled: the episode that would schedule step-1 never committed.
    expect(sideEffects(ws.sideEffectFile)).toEqual({});

    const second = await start(ws);
    const done = await durableApi(second.baseUrl).waitFor('steps-2', ['Completed', 'Failed']);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: ['step-1', 'step-2'] });
    expect(sideEffects(ws.sideEffectFile)).toEqual({ 'step-1': 1, 'step-2': 1 });
  });

  it('replays an entity batch killed before its state was committed, so the state holds each operation once', async () => {
    const ws = workspace();
    const first = await start(ws, { OFFLINE_HOST_CRASH_AT: 'mid-entity-batch:ledger' });
    await startTolerantOfCrash(first, 'fillLedger', 'ledger-1', 'acct-1');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    const before = sideEffects(ws.sideEffectFile);
    expect(before).toEqual({ 'entity:e1': 1, 'entity:e2': 1, 'entity:e3': 1 });

    const second = await start(ws);
    const api = durableApi(second.baseUrl);
    const done = await api.waitFor('ledger-1', ['Completed', 'Failed']);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: ['e1', 'e2', 'e3'] });
    expect((await api.entity('ledger', 'acct-1')).json).toEqual(['e1', 'e2', 'e3']);
    // The three signals were committed together by the orchestration's first episode and ran as one
    // batch; the crash lost that batch's outcome, so the whole batch ran again: every operation's side
    // effect twice, its state change once.
    expect(sideEffects(ws.sideEffectFile)).toEqual({ 'entity:e1': 2, 'entity:e2': 2, 'entity:e3': 2 });
  });
});
