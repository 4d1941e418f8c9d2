import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleName, TelemetryEvent } from '../../src/detection/schema';
import { ActionName, RiskLevel } from '../../src/investigation/types';
import { SortKey } from '../../src/records/types';
import { Outcome, Stage } from '../../src/review/types';
import { APP_DIR } from '../support/app';
import { mismatches, statements, walkthroughBlock } from './readme';

/**
 * The README's curl walkthrough, run as written: `npm run local`'s code path (scripts/local.ts) on a free
 * loopback port, in memory with the simulator off as the README says; the two `export` lines it prints
 * are taken as a reader would paste them; then every statement of the README's block runs in bash — with
 * the real curl when the machine has it, else test/walkthrough/curl.mjs — and each answer is checked
 * against the one the README shows under it. The README cannot drift from the app.
 */
const README = readFileSync(path.join(APP_DIR, 'README.md'), 'utf8');
const CURL_MJS = path.join(__dirname, 'curl.mjs');
const HAS_CURL = spawnSync('curl', ['--version']).status === 0;
const TSX = path.join(APP_DIR, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let local: ChildProcess;
let output = '';
const pasted: Record<string, string> = {};

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SIMULATOR_ENABLED: 'false' };
  delete env['LOCAL_FUNCTION_KEY'];
  local = spawn(process.execPath, [TSX, 'scripts/local.ts', '--port', '0', '--in-memory'], {
    cwd: APP_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  local.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  local.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const deadline = Date.now() + 60_000;
  while (!/^export BASE=.*$/m.test(output)) {
    if (local.exitCode !== null) throw new Error(`npm run local exited ${local.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm run local printed no export lines in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const [, name, value] of output.matchAll(/^export (KEY|BASE)=(\S+)$/gm)) pasted[name!] = value!;
}, 90_000);

afterAll(async () => {
  if (!local || local.exitCode !== null) return;
  const exited = new Promise((r) => local.once('exit', r));
  local.kill('SIGTERM');
  await exited;
});

/** Runs one statement in bash with the pasted variables and the assignments made so far. */
function run(command: string, assignments: string[]) {
  const script = [HAS_CURL ? '' : 'curl() { node "$CURL_MJS" "$@"; }', ...assignments, command].join('\n');
  return spawnSync('bash', ['-c', script], {
    cwd: APP_DIR,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CURL_MJS, ...pasted },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the README walkthrough', () => {
  it('starts with npm run local printing the key and the base URL as lines to paste', () => {
    expect(pasted['KEY']).toMatch(/^[A-Za-z0-9_-]{30,}$/);
    expect(pasted['BASE']).toMatch(/^http:\/\/localhost:\d+\/api$/);
    expect(output).toContain('Paste these two lines into the shell you call the API from:');
    // The SQLite ExperimentalWarning is silenced by the launcher; nothing else is.
    expect(output).not.toContain('ExperimentalWarning');
    // The README tells a reader the same way to start it and what to paste.
    expect(README).toContain('SIMULATOR_ENABLED=false npm run local -- --in-memory');
    expect(README).toMatch(/export KEY=\S+\nexport BASE=http:\/\/localhost:7071\/api/);
  });

  it('answers every step as the README shows', () => {
    const steps = statements(walkthroughBlock(README));
    expect(steps.filter((s) => s.expected).length).toBeGreaterThanOrEqual(8);
    const assignments: string[] = [];
    for (const step of steps) {
      if (/^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(step.command)) {
        assignments.push(step.command);
        continue;
      }
      const r = run(step.command, assignments);
      const where = `README walkthrough line ${step.line}: ${step.command}\n${r.stdout}${r.stderr}`;
      expect(r.error, where).toBeUndefined();
      expect(r.status, where).toBe(0);
      if (!step.expected) continue;
      const m = /^([\s\S]*?) (\d{3})\n?$/.exec(r.stdout);
      expect(
        m,
        `${where}\n(no trailing ' <status>': the command needs -w ' %{http_code}\\n')`,
      ).not.toBeNull();
      expect(Number(m![2]), where).toBe(step.expected.status);
      const body = JSON.parse(m![1]!) as unknown;
      expect(mismatches(step.expected, body), `${where}\nexpected: ${step.expected.text}`).toEqual([]);
    }
  }, 180_000);

  it('gives the same answer through the curl stand-in used where curl is missing', () => {
    const r = spawnSync(
      process.execPath,
      [CURL_MJS, '-s', '-w', ' %{http_code}\\n', `${pasted['BASE']}/cases`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    const [, body, status] = /^([\s\S]*) (\d{3})\n$/.exec(r.stdout) ?? [];
    expect(status).toBe('401');
    expect(JSON.parse(body!)).toMatchObject({ error: 'missing key' });
  });

  it('lists exactly the values the API accepts', () => {
    const row = (name: string) => {
      const line = README.split('\n').find((l) => l.startsWith(`| ${name} `));
      expect(line, `README: no allowed-values row starting with "| ${name} "`).toBeDefined();
      const cells = line!.split('|').slice(2).join('|');
      return [...cells.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).sort();
    };
    const sorted = (v: readonly string[]) => [...v].sort();
    expect(row('`decision`')).toEqual(['approve', 'reject']);
    expect(row('`action`')).toEqual(sorted(ActionName.options));
    expect(row('telemetry `type`')).toEqual(sorted(TelemetryEvent.options.map((o) => o.shape.type.value)));
    expect(row('`status`')).toEqual(sorted([...Stage.options, 'open']));
    expect(row('`outcome`')).toEqual(sorted(Outcome.options));
    expect(row('`riskLevel`')).toEqual(sorted(RiskLevel.options));
    expect(row('`rule`')).toEqual(sorted(RuleName.options));
    expect(row('`sort`')).toEqual(sorted(SortKey.options));
  });
});
