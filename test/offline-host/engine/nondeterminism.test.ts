import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type Host } from './harness.js';

describe('offline engine: nondeterminism', () => {
  let host: Host | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails an instance whose replayed action differs from history, naming both functions', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-host-nd-'));
    host = await startHost('nondeterminism/v1', { store: { dataDir } });
    const id = await host.engine.startNew('versioned', { instanceId: 'nd-1' });
    await host.engine.idle();
    const clock = host.clock;
    await host.engine.stop();

    host = await startHost('nondeterminism/v2', { store: { dataDir }, clock });
    await host.engine.raiseEvent(id, 'go', true);
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toMatch(/^Non-Deterministic workflow detected: .*sequence number 0/);
    expect(status?.output).toContain("'checkAccount'");
    expect(status?.output).toContain("'lockAccount'");
  });
});
