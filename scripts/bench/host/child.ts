import { spawn } from 'node:child_process';
import path from 'node:path';
import { RESULT_PREFIX, type ShapeResult, type ShapeRun } from './shapes.js';

/** Runs one shape in a fresh Node process (clean peak RSS, no JIT or heap carried between runs). */
export function runInChild(run: ShapeRun, timeoutMs = 600_000): Promise<ShapeResult> {
  const script = path.join(__dirname, run.backend === 'durabletask-js' ? 'run-peer.ts' : 'run-host.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(run)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`${run.backend} ${run.shape} exited with ${code}:\n${stderr.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ShapeResult);
    });
  });
}
