import { afterEach, describe, expect, it } from 'vitest';
import { createRealClock, type RealClock } from '../../../scripts/offline-host/clock.js';
import { startHost, type Host } from './harness.js';

describe('offline engine: real clock', () => {
  let host: Host<RealClock> | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('fires a durable timer from wall time without advance()', async () => {
    host = await startHost('short-timer', { clock: createRealClock() });
    // Long enough that a loaded machine still finds it waiting after the first episode.
    const id = await host.engine.startNew('nap', { input: 1500 });
    await host.engine.idle();
    expect((await host.engine.getStatus(id))?.runtimeStatus).toBe('Running');

    const deadline = Date.now() + 10_000;
    while ((await host.engine.getStatus(id))?.runtimeStatus === 'Running' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toBeGreaterThanOrEqual(1500);
  });
});
