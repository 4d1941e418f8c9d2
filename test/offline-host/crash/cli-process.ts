/**
 * Runs the offline host CLI in a child process, the way a developer runs it, so a test can SIGKILL it
 * at any moment and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'scripts', 'offline-host', 'cli.ts');
export const CRASH_APP = path.join(REPO, 'test', 'offline-host', 'fixtures', 'server-crash');
export const MASTER_KEY = 'crash-test-master-key';

export interface CliProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Everything the child printed so far (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code or signal when the child ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<void>;
}

/** Starts `cli.ts` on the crash fixture with `--data dataDir`, or with any `args` on any app. */
export async function startCli(
  opts:
    | { dataDir: string; sideEffectFile: string; env?: Record<string, string> }
    | { args: string[]; env?: Record<string, string> },
): Promise<CliProcess> {
  const args = 'args' in opts ? opts.args : ['--app', CRASH_APP, '--data', opts.dataDir, '--port', '0'];
  const sideEffect = 'sideEffectFile' in opts ? { SIDE_EFFECT_FILE: opts.sideEffectFile } : {};
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, LOCAL_MASTER_KEY: MASTER_KEY, ...sideEffect, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The host did not start within 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /Offline host listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The host exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return {
    baseUrl,
    child,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The Durable HTTP API with the master key (which opens the system routes, as on the real host). */
export function durableApi(baseUrl: string) {
  const call = async (method: string, p: string, body?: unknown) => {
    const sep = p.includes('?') ? '&' : '?';
    const res = await fetch(`${baseUrl}/runtime/webhooks/durabletask/${p}${sep}code=${MASTER_KEY}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  return {
    start: (orchestrator: string, instanceId: string, input?: unknown) =>
      call('POST', `orchestrators/${orchestrator}/${instanceId}`, input),
    status: (instanceId: string) => call('GET', `instances/${instanceId}`),
    raise: (instanceId: string, event: string, data: unknown) =>
      call('POST', `instances/${instanceId}/raiseEvent/${event}`, data),
    entity: (name: string, key: string) => call('GET', `entities/${name}/${key}`),
    async waitFor(instanceId: string, statuses: string[], timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await call('GET', `instances/${instanceId}`);
        if (s.json && statuses.includes(String(s.json['runtimeStatus']))) return s.json;
        if (Date.now() > deadline)
          throw new Error(`${instanceId} did not reach ${statuses.join('|')}: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Lines of the side-effect file, counted. */
export function sideEffects(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  if (!existsSync(file)) return counts;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean))
    counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}
