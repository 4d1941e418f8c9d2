import { spawn } from 'node:child_process';
import path from 'node:path';

/** `npm run offline-host` as a child process on a data directory, so the demo can SIGKILL it. */
export interface ChildHost {
  pid: number;
  baseUrl: string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startChildHost(
  appDir: string,
  dataDir: string,
  env: Record<string, string>,
): Promise<ChildHost> {
  const cli = path.join(appDir, 'scripts', 'offline-host', 'cli.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--app', appDir, '--data', dataDir, '--port', '0', '--no-timers'],
    {
      cwd: appDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Offline host listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`host exited before listening:\n${output}`)));
  });
  return {
    pid: child.pid!,
    baseUrl,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
