/**
 * npm run local [-- --port N --data DIR --in-memory --no-timers]
 *
 * The whole app on the offline host at http://localhost:7071 with the telemetry simulator on, state kept
 * in .data/ across restarts (unless --in-memory). SIMULATOR_ENABLED=false switches the simulator off for
 * scripted use. Prints the two lines a reader pastes into the shell they call the API from
 * (`export KEY=…`, `export BASE=…`); the README's walkthrough uses exactly those.
 */
import './quiet-sqlite-warning';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startOfflineHost } from './offline-host/index.js';
import { generateKey } from './offline-host/server/keys.js';
import { stopOnSignals } from './offline-host/stop-on-signals.js';

const ROOT = path.resolve(__dirname, '..');
const USAGE = `Usage: npm run local -- [--port 7071] [--data DIR | --in-memory] [--no-timers]

  --port N      HTTP port on 127.0.0.1 (default 7071; 0 = any free port)
  --data DIR    where state is kept (default .data/offline-host)
  --in-memory   keep nothing on disk
  --no-timers   do not fire timer triggers (the simulator) on their schedule

LOCAL_FUNCTION_KEY sets the function key; otherwise one is generated, and kept in the data directory.`;

function parse() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7071' },
      data: { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      'no-timers': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.data !== undefined && values['in-memory'])
    throw new Error('--data and --in-memory exclude each other.');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer 0-65535, got '${values.port}'.`);
  const dataDir = values['in-memory']
    ? undefined
    : path.resolve(values.data ?? path.join(ROOT, '.data', 'offline-host'));
  return { port, dataDir, timers: !values['no-timers'] };
}

/** LOCAL_FUNCTION_KEY, else the key kept beside the state (so an exported KEY outlives a restart), else new. */
function functionKey(dataDir: string | undefined): { key: string; source: string } {
  const fromEnv = process.env['LOCAL_FUNCTION_KEY'];
  if (fromEnv) return { key: fromEnv, source: 'from LOCAL_FUNCTION_KEY' };
  if (!dataDir) return { key: generateKey(), source: 'generated for this run' };
  const file = path.join(dataDir, 'local-function-key');
  if (existsSync(file))
    return { key: readFileSync(file, 'utf8').trim(), source: `kept in ${path.relative(ROOT, file)}` };
  const key = generateKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, source: `generated, kept in ${path.relative(ROOT, file)}` };
}

async function main(): Promise<void> {
  const args = parse();
  // No DTS emulator is involved here, so no dashboard links pointing at one.
  process.env['DURABLE_TASK_SCHEDULER_CONNECTION_STRING'] ??= '';
  const { key, source } = functionKey(args.dataDir);
  const host = await startOfflineHost({
    appDir: ROOT,
    port: args.port,
    ...(args.dataDir ? { dataDir: args.dataDir } : { inMemory: true }),
    enableTimerTriggers: args.timers,
    clock: 'real',
    functionKey: key,
  });
  const origin = host.baseUrl.replace('127.0.0.1', 'localhost');
  const simulator = host.functions.some((f) => f.trigger === 'timerTrigger') && args.timers;
  console.log(
    [
      'durable-fraud-agents on the offline host (no Azure, no Docker, no API keys)',
      '',
      `  console    ${origin}/api/console   (anonymous page: paste the function key once)`,
      `  health     ${origin}/api/health`,
      `  storage    ${args.dataDir ? `${path.relative(ROOT, args.dataDir) || args.dataDir} (cases, timers and case records survive a restart)` : 'in memory (nothing is kept)'}`,
      `  simulator  ${simulator ? 'on: cases open from its anomalies (SIMULATOR_ENABLED=false turns it off)' : 'off'}`,
      ...(host.mcpUrl
        ? [
            `  mcp        ${host.mcpUrl.replace('127.0.0.1', 'localhost')}   (x-functions-key: ${host.systemKey}, the mcp_extension key)`,
          ]
        : []),
      `  keys       function key ${source}; master key ${host.masterKey}`,
      '',
      'Paste these two lines into the shell you call the API from:',
      '',
      `export KEY=${key}`,
      `export BASE=${origin}/api`,
      '',
      'then, for example:  curl -H "x-functions-key: $KEY" "$BASE/cases?status=awaiting_decision&sort=deadline"',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );

  stopOnSignals(host, 'the app');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
