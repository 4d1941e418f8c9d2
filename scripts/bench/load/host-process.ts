/**
 * The offline host CLI in its own process, as `npm run local` runs it: the load generator stays out of
 * its memory figures, and it can be killed and started again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'scripts', 'offline-host', 'cli.ts');

export interface HostProcess {
  baseUrl: string;
  pid: number;
  /** Milliseconds from spawn to "listening". */
  startMs: number;
  /** Resident set size now (VmRSS), MB. */
  rssMb(): number;
  /** SIGKILL, resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (drains running work), resolves once the process is gone. */
  stop(): Promise<void>;
  output(): string;
}

export async function startHostProcess(opts: {
  dataDir: string;
  port?: number;
  env?: Record<string, string>;
  args?: string[];
  /** Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  /** Appends everything the host prints to this file (a long run's errors, with their stacks). */
  logFile?: string;
}): Promise<HostProcess> {
  const t0 = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      '--import',
      'tsx',
      CLI,
      '--app',
      REPO,
      '--data',
      opts.dataDir,
      '--port',
      String(opts.port ?? 0),
      ...(opts.args ?? []),
    ],
    { cwd: REPO, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Keep only the tail of what it prints (the host logs every episode).
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString()).slice(-20_000);
    if (opts.logFile) appendFileSync(opts.logFile, c);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The host did not start within 120 s:\n${out}`)),
      120_000,
    );
    const check = () => {
      const m = /Offline host listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`The host exited before listening:\n${out}`));
    });
  });
  const startMs = performance.now() - t0;
  const pid = child.pid as number;
  const gone = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    baseUrl,
    pid,
    startMs,
    rssMb() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    },
    kill: () => gone('SIGKILL'),
    stop: () => gone('SIGTERM'),
    output: () => out,
  };
}

/** A SQLite file and its write-ahead log, MB (0 when not there yet). */
export function fileSizeMb(file: string): number {
  let bytes = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      bytes += statSync(f).size;
    } catch {
      // Not there (yet).
    }
  }
  return bytes / 1024 / 1024;
}

/** The durable store's size on disk: the database and its write-ahead log, MB. */
export function storeSizeMb(dataDir: string): number {
  return fileSizeMb(path.join(dataDir, 'durable.sqlite'));
}
