import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, shape, startHost, type Host } from './harness.js';

describe('offline engine: persistence', () => {
  let host: Host | undefined;
  let dataDir: string;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const newDataDir = () => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-host-data-')));

  it('resumes a waiting instance on a new engine over the same data directory', async () => {
    newDataDir();
    host = await startHost('race', { store: { dataDir } });
    const id = await host.engine.startNew('approval', { instanceId: 'persist-1' });
    await host.engine.idle();
    const clock = host.clock;
    await host.engine.stop();

    host = await startHost('race', { store: { dataDir }, clock });
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');
    await host.engine.raiseEvent(id, 'approval', { approved: true });
    await host.engine.idle();

    expect((await host.engine.getStatus(id))?.output).toMatchObject({ outcome: 'approved' });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'EventRaised(approval)',
      'ExecutionCompleted',
    ]);
  });

  it('restores a pending timer after restart and fires it on time', async () => {
    newDataDir();
    host = await startHost('race', { store: { dataDir } });
    const id = await host.engine.startNew('approval');
    await host.engine.idle();
    const clock = host.clock;
    await host.engine.stop();

    host = await startHost('race', { store: { dataDir }, clock });
    await host.clock.advance(72 * HOUR);
    expect((await host.engine.getStatus(id))?.output).toMatchObject({ outcome: 'timedOut' });
  });

  it('re-runs an activity whose result was not committed before a crash', async () => {
    newDataDir();
    let crashed = false;
    // Simulated crash: the engine is abandoned (never stopped) right after the activity ran.
    host = await startHost('chain', {
      store: { dataDir },
      crashAt: (point, name) => {
        if (point === 'after-activity' && name === 'sayHello' && !crashed) {
          crashed = true;
          throw new Error('simulated crash');
        }
      },
    });
    const id = await host.engine.startNew('helloCities', { instanceId: 'crash-1' });
    await host.engine.idle().catch(() => {});
    expect(crashed).toBe(true);
    const clock = host.clock;
    await host.engine.stop();

    host = await startHost('chain', { store: { dataDir }, clock });
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.output).toEqual([
      'Hello Tokyo',
      'Hello Seattle',
      'Hello London',
    ]);
    expect(shape(host.engine.getHistory(id)).filter((e) => e.startsWith('TaskCompleted'))).toHaveLength(3);
  });

  it('keeps an entity batch that crashed before committing queued, and applies it once after restart', async () => {
    newDataDir();
    let crashed = false;
    host = await startHost('entities', {
      store: { dataDir },
      crashAt: (point) => {
        if (point === 'mid-entity-batch' && !crashed) {
          crashed = true;
          throw new Error('simulated crash');
        }
      },
    });
    await host.engine.signalEntity('counter', 'c', 'add', 5);
    await host.engine.idle().catch(() => {});
    const clock = host.clock;
    await host.engine.stop();

    host = await startHost('entities', { store: { dataDir }, clock });
    await host.engine.idle();
    expect(await host.engine.readEntityState('counter', 'c')).toEqual({ exists: true, state: 5 });
  });
});
