import { beforeAll, describe, expect, it } from 'vitest';

// The script is plain ESM (so `npm start` needs no build); this CommonJS test loads it dynamically.
type StartLocal = typeof import('../../scripts/start-local.mjs', { with: { 'resolution-mode': 'import' } });
let checkPrereqs: StartLocal['checkPrereqs'];
let emulatorDashboardUrl: StartLocal['emulatorDashboardUrl'];
let whichOnPath: StartLocal['whichOnPath'];
let MESSAGES: StartLocal['MESSAGES'];
beforeAll(async () => {
  ({ checkPrereqs, emulatorDashboardUrl, whichOnPath, MESSAGES } =
    await import('../../scripts/start-local.mjs'));
});

const machine = (tools: string[]) => (cmd: string) => (tools.includes(cmd) ? `/usr/bin/${cmd}` : null);

describe('npm start prerequisites', () => {
  it('passes when Core Tools and a running Docker are present', () => {
    expect(checkPrereqs({ which: machine(['func', 'docker']), dockerRunning: () => true })).toEqual({
      ok: true,
      problems: [],
    });
  });

  it('explains how to install Core Tools, or to use npm run local, when func is missing', () => {
    const result = checkPrereqs({ which: machine(['docker']), dockerRunning: () => true });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ tool: 'func', message: MESSAGES.funcMissing }]);
    expect(MESSAGES.funcMissing).toContain('Azure Functions Core Tools');
    expect(MESSAGES.funcMissing).toContain('azure-functions-core-tools@4');
    expect(MESSAGES.funcMissing).toContain('npm run local');
  });

  it('explains how to get Docker, or to use npm run local, when docker is missing', () => {
    const result = checkPrereqs({ which: machine(['func']) });
    expect(result.problems.map((p) => p.tool)).toEqual(['docker']);
    expect(result.problems[0]!.message).toBe(MESSAGES.dockerMissing);
    expect(MESSAGES.dockerMissing).toContain('npm run local');
  });

  it('tells a stopped Docker daemon apart from a missing docker', () => {
    const result = checkPrereqs({ which: machine(['func', 'docker']), dockerRunning: () => false });
    expect(result.problems).toEqual([{ tool: 'docker', message: MESSAGES.dockerNotRunning }]);
  });

  it('reports every missing tool at once', () => {
    expect(checkPrereqs({ which: machine([]) }).problems.map((p) => p.tool)).toEqual(['func', 'docker']);
  });

  it('finds commands on PATH and not elsewhere', () => {
    expect(whichOnPath('node', { PATH: '/nonexistent' }, 'linux')).toBeNull();
    expect(whichOnPath('definitely-not-a-command-xyz')).toBeNull();
  });

  it('links the emulator dashboard to the task hub in local.settings.json', () => {
    expect(emulatorDashboardUrl('default')).toBe(
      'http://localhost:8082/subscriptions/local/schedulers/emulator/taskhubs/default/orchestrations',
    );
  });
});
