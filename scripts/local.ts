/**
 * npm run local [-- --port N --data DIR --in-memory]
 *
 * The whole app on the offline host at http://localhost:7071 with the telemetry simulator on, state kept
 * in .data/ across restarts (unless --in-memory). Same flags as `npm run offline-host`; the app
 * directory is this repository. SIMULATOR_ENABLED=false switches the simulator off for scripted use.
 */
import path from 'node:path';

const root = path.resolve(__dirname, '..');
if (!process.argv.includes('--app')) process.argv.push('--app', root);
// No DTS emulator is involved here, so no dashboard links pointing at one.
process.env['DURABLE_TASK_SCHEDULER_CONNECTION_STRING'] ??= '';

const portIndex = process.argv.indexOf('--port');
const port = portIndex > 0 ? process.argv[portIndex + 1] : '7071';
console.log(
  [
    'durable-fraud-agents on the offline host (no Azure, no Docker, no API keys)',
    `  console:  http://localhost:${port}/api/console   (anonymous page; paste the function key printed below)`,
    `  cases:    curl -H "x-functions-key: $KEY" http://localhost:${port}/api/cases`,
    `  decide:   curl -H "x-functions-key: $KEY" -H "content-type: application/json" \\`,
    `              -d '{"decision":"approve","action":"lock_account","round":1}' http://localhost:${port}/api/cases/<caseId>/decision`,
    '',
  ].join('\n'),
);

void import('./offline-host/cli.js');
