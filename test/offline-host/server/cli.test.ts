import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../crash/cli-process.js';

const APP = path.join(__dirname, '..', 'fixtures', 'server-app');

describe('offline-host CLI', () => {
  it('lists the functions with their URLs, uses LOCAL_FUNCTION_KEY, serves requests and exits 0 on SIGTERM', async () => {
    const cli = await startCli({
      args: ['--app', APP, '--in-memory', '--port', '0', '--no-timers'],
      env: { LOCAL_FUNCTION_KEY: 'cli-key' },
    });
    try {
      const out = cli.output();
      expect(out).toContain(`hello: [GET] ${cli.baseUrl}/api/hello/{name?}`);
      expect(out).toContain(`caseById: [GET,DELETE] ${cli.baseUrl}/api/cases/{caseId} (function)`);
      expect(out).toContain('approvalOrchestrator: orchestrationTrigger');
      expect(out).toContain('tick: timerTrigger %TICK_SCHEDULE%');
      expect(out).toContain('Function key: cli-key (from LOCAL_FUNCTION_KEY)');
      expect(
        (await fetch(`${cli.baseUrl}/api/cases/7`, { headers: { 'x-functions-key': 'cli-key' } })).status,
      ).toBe(200);

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
    } finally {
      await cli.kill();
    }
  });

  it('refuses --data together with --in-memory, naming both', async () => {
    await expect(startCli({ args: ['--app', APP, '--in-memory', '--data', '/tmp/x'] })).rejects.toThrow(
      /--data and --in-memory exclude each other/,
    );
  });
});
