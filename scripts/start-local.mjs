// `npm start`: the real local stack — Functions host (`func start`) on the DTS emulator (Docker) and
// Azurite (npm). Plain Node ESM, no dependencies. `npm run stop` undoes it (scripts/stop-local.mjs).
// Without Core Tools or Docker, `npm run local` runs the same app on the offline host instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DTS_CONTAINER = 'durable-fraud-agents-dts';
export const DTS_IMAGE = 'mcr.microsoft.com/dts/dts-emulator:latest';
export const DTS_GRPC_PORT = 8080;
export const DTS_DASHBOARD_PORT = 8082;
export const AZURITE_PORTS = [10000, 10001, 10002];
export const AZURITE_DIR = path.join(ROOT, '.data', 'azurite');
export const AZURITE_PID_FILE = path.join(ROOT, '.data', 'azurite.pid');

const OFFLINE_HINT = 'Or run the same app with no Core Tools, Docker or Azure: npm run local';

export const MESSAGES = {
  funcMissing: [
    'Azure Functions Core Tools v4 (`func`) is not on your PATH.',
    '  Install it: https://learn.microsoft.com/azure/azure-functions/functions-run-local#install-the-azure-functions-core-tools',
    '    macOS:   brew tap azure/functions && brew install azure-functions-core-tools@4',
    '    Windows: winget install Microsoft.Azure.FunctionsCoreTools',
    '    Linux:   the Microsoft package repository (apt/dnf), or npm i -g azure-functions-core-tools@4',
    `  ${OFFLINE_HINT}`,
  ].join('\n'),
  dockerMissing: [
    'Docker (`docker`) is not on your PATH; it runs the Durable Task Scheduler emulator.',
    '  Install Docker Desktop: https://docs.docker.com/get-started/get-docker/ (or Docker Engine on Linux).',
    `  ${OFFLINE_HINT}`,
  ].join('\n'),
  dockerNotRunning: [
    'Docker is installed but its daemon does not answer (`docker info` failed).',
    '  Start Docker Desktop (or `sudo systemctl start docker`) and run npm start again.',
    `  ${OFFLINE_HINT}`,
  ].join('\n'),
};

/**
 * Checks what `npm start` needs. Pure: `which(cmd)` returns a path or null, `dockerRunning()` a boolean,
 * so tests can describe any machine. Returns every problem, not just the first.
 * @param {{ which: (cmd: string) => string | null, dockerRunning?: () => boolean }} deps
 * @returns {{ ok: boolean, problems: { tool: string, message: string }[] }}
 */
export function checkPrereqs({ which, dockerRunning = () => true }) {
  const problems = [];
  if (!which('func')) problems.push({ tool: 'func', message: MESSAGES.funcMissing });
  if (!which('docker')) problems.push({ tool: 'docker', message: MESSAGES.dockerMissing });
  else if (!dockerRunning()) problems.push({ tool: 'docker', message: MESSAGES.dockerNotRunning });
  return { ok: problems.length === 0, problems };
}

/** Looks a command up on PATH (with PATHEXT on Windows), like `which`. */
export function whichOnPath(cmd, env = process.env, platform = process.platform) {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, cmd + ext);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

export function dockerDaemonRunning() {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

/** True when something accepts TCP connections on the port (the emulator answers plain HTTP with 400). */
export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitForPorts(ports, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await Promise.all(ports.map((p) => portOpen(p)));
    if (open.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not open port(s) ${ports.join(', ')} within ${timeoutMs / 1000}s.`);
    await sleep(500);
  }
}

export function readLocalSettings(file = path.join(ROOT, 'local.settings.json')) {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')).Values ?? {};
}

export function emulatorDashboardUrl(hub) {
  return `http://localhost:${DTS_DASHBOARD_PORT}/subscriptions/local/schedulers/emulator/taskhubs/${encodeURIComponent(hub)}/orchestrations`;
}

function docker(args, opts = {}) {
  return spawnSync('docker', args, { encoding: 'utf8', ...opts });
}

async function ensureDtsEmulator(hub) {
  if (await portOpen(DTS_GRPC_PORT)) {
    console.log(`• DTS emulator: something already listens on :${DTS_GRPC_PORT}; using it.`);
    return;
  }
  const existing = docker([
    'ps',
    '-a',
    '--filter',
    `name=^/${DTS_CONTAINER}$`,
    '--format',
    '{{.Names}}',
  ]).stdout.trim();
  if (existing) {
    console.log(`• DTS emulator: starting container ${DTS_CONTAINER}`);
    if (docker(['start', DTS_CONTAINER], { stdio: 'inherit' }).status !== 0)
      throw new Error(`docker start ${DTS_CONTAINER} failed. Try: npm run stop && npm start`);
  } else {
    // The emulator only knows the hub "default" unless told otherwise.
    const hubs = hub === 'default' ? [] : ['-e', `DTS_TASK_HUB_NAMES=default,${hub}`];
    console.log(`• DTS emulator: docker run ${DTS_IMAGE} as ${DTS_CONTAINER}`);
    const run = docker(
      [
        'run',
        '-d',
        '--name',
        DTS_CONTAINER,
        '-p',
        `${DTS_GRPC_PORT}:8080`,
        '-p',
        `${DTS_DASHBOARD_PORT}:8082`,
        ...hubs,
        DTS_IMAGE,
      ],
      { stdio: 'inherit' },
    );
    if (run.status !== 0)
      throw new Error(
        `docker run ${DTS_IMAGE} failed (is port ${DTS_GRPC_PORT} or ${DTS_DASHBOARD_PORT} taken?).`,
      );
  }
  await waitForPorts([DTS_GRPC_PORT], 'The DTS emulator');
}

/** Starts Azurite unless its ports are already open; returns the child we started, if any. */
export async function ensureAzurite() {
  const open = await Promise.all(AZURITE_PORTS.map((p) => portOpen(p)));
  if (open.every(Boolean)) {
    console.log('• Azurite: already listening on 10000-10002; using it.');
    return undefined;
  }
  if (open.some(Boolean))
    throw new Error(
      'Some Azurite ports (10000-10002) are taken by something else. Free them, or run npm run stop.',
    );
  const bin = path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
  if (!existsSync(bin)) throw new Error('Azurite is not installed: run npm install (it is a devDependency).');
  mkdirSync(AZURITE_DIR, { recursive: true });
  console.log(`• Azurite: starting (data in ${path.relative(ROOT, AZURITE_DIR)})`);
  // Same entry point as node_modules/.bin/azurite, run through node so it works on Windows too.
  const child = spawn(
    process.execPath,
    [bin, '--silent', '--skipApiVersionCheck', '--location', AZURITE_DIR],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  writeFileSync(AZURITE_PID_FILE, String(child.pid));
  await waitForPorts(AZURITE_PORTS, 'Azurite', 30_000);
  return child;
}

function npm(args) {
  // Under `npm start`, npm_execpath is npm's own CLI script: run it with this node, no shell needed.
  const cli = process.env.npm_execpath;
  return cli
    ? spawnSync(process.execPath, [cli, ...args], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
        cwd: ROOT,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
}

/** Values from the git-ignored local.settings.user.json (e.g. AZURE_OPENAI_ENDPOINT) reach `func` as env. */
function userSettingsEnv() {
  const file = path.join(ROOT, 'local.settings.user.json');
  if (!existsSync(file)) return {};
  const values = JSON.parse(readFileSync(file, 'utf8')).Values ?? {};
  console.log(`• Using ${Object.keys(values).length} setting(s) from local.settings.user.json`);
  return values;
}

async function main() {
  const check = checkPrereqs({ which: (cmd) => whichOnPath(cmd), dockerRunning: dockerDaemonRunning });
  if (!check.ok) {
    for (const p of check.problems) console.error(`\n✖ ${p.message}`);
    process.exit(1);
  }
  const hub = readLocalSettings().TASKHUB_NAME ?? 'default';
  await ensureDtsEmulator(hub);
  const azurite = await ensureAzurite();
  const stopAzurite = () => {
    if (azurite && azurite.exitCode === null) azurite.kill();
    if (azurite) rmSync(AZURITE_PID_FILE, { force: true });
  };
  process.on('exit', stopAzurite);

  console.log('• npm run build');
  if (npm(['run', 'build']).status !== 0) {
    stopAzurite();
    process.exit(1);
  }

  console.log('\n  DTS dashboard:    ' + emulatorDashboardUrl(hub));
  console.log('  Analyst console:  http://localhost:7071/api/console');
  console.log('  Health:           http://localhost:7071/api/health');
  console.log('  Stop emulators:   npm run stop\n');

  const func = spawn('func', ['start'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Case records in Azurite's Table service (AzureWebJobsStorage=UseDevelopmentStorage=true), as in
    // Azure; not in local.settings.json, which the offline host reads too (it keeps them in SQLite).
    env: { CASE_RECORDS_STORE: 'table', ...process.env, ...userSettingsEnv() },
    shell: process.platform === 'win32',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => func.kill(sig));
  func.on('exit', (code) => {
    stopAzurite();
    process.exit(code ?? 0);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`\n✖ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
