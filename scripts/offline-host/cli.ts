/**
 * npm run offline-host -- [--app DIR] [--port 7071] [--data DIR | --in-memory]
 *
 * Runs any Functions app directory built on @azure/functions v4 + durable-functions v3 (already-built
 * JavaScript; entry point from its package.json `main`) with no Functions host, no DTS, no Docker.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startOfflineHost, type OfflineHost } from './index.js';
import type { FunctionInfo } from './types.js';
import { stopOnSignals } from './stop-on-signals.js';

const USAGE = `Usage: npm run offline-host -- [--app DIR] [--port 7071] [--data DIR | --in-memory]

  --app DIR       Functions app directory (default: current directory)
  --port N        HTTP port on 127.0.0.1 (default 7071; 0 = any free port)
  --data DIR      SQLite data directory (default: <app>/.data/offline-host)
  --in-memory     Keep nothing on disk
  --no-timers     Do not fire timer triggers on their schedule
  -h, --help      Show this help

The function key comes from LOCAL_FUNCTION_KEY when set, else it is generated and printed.`;

function parse() {
  const { values } = parseArgs({
    options: {
      app: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      'no-timers': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.data !== undefined && values['in-memory'])
    throw new Error('--data and --in-memory exclude each other.');
  const port = values.port === undefined ? 7071 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer 0-65535, got '${values.port}'.`);
  return {
    appDir: path.resolve(values.app ?? process.cwd()),
    port,
    dataDir: values.data === undefined ? undefined : path.resolve(values.data),
    inMemory: values['in-memory'],
    timers: !values['no-timers'],
  };
}

function describe(host: OfflineHost, fn: FunctionInfo): string {
  if (fn.trigger === 'httpTrigger') {
    const methods = fn.methods && fn.methods.length > 0 ? fn.methods.join(',') : 'ALL';
    return `${fn.name}: [${methods}] ${host.urlOf(fn.name)}${fn.authLevel === 'anonymous' ? '' : ` (${fn.authLevel ?? 'function'})`}`;
  }
  if (fn.trigger === 'timerTrigger') return `${fn.name}: timerTrigger ${fn.schedule ?? ''}`;
  return `${fn.name}: ${fn.trigger}`;
}

async function main(): Promise<void> {
  const args = parse();
  const keyFromEnv = process.env['LOCAL_FUNCTION_KEY'] !== undefined;
  const host = await startOfflineHost({
    appDir: args.appDir,
    port: args.port,
    dataDir: args.dataDir,
    inMemory: args.inMemory,
    enableTimerTriggers: args.timers,
    clock: 'real',
    log: (line) => console.log(line),
  });

  const lines = [
    `Offline durable host for ${args.appDir}`,
    `Storage: ${args.inMemory ? 'in memory (nothing persists)' : (args.dataDir ?? path.join(args.appDir, '.data', 'offline-host'))}`,
    '',
    'Functions:',
    '',
    ...host.functions.map((f) => `        ${describe(host, f)}`),
    '',
    ...(host.functionErrors.length > 0
      ? ['Functions in error (not run):', '', ...host.functionErrors.map((e) => `        ${e.message}`), '']
      : []),
    `Function key: ${host.functionKey}${keyFromEnv ? ' (from LOCAL_FUNCTION_KEY)' : ' (generated; set LOCAL_FUNCTION_KEY to keep one)'}`,
    `Master key:   ${host.masterKey}`,
    ...(host.mcpUrl
      ? [
          `MCP server:   ${host.mcpUrl}   (legacy SSE: ${host.mcpUrl}/sse)`,
          `MCP key:      ${host.mcpExtensionKey}   (the mcp_extension system key${process.env['LOCAL_MCP_EXTENSION_KEY'] !== undefined ? ', from LOCAL_MCP_EXTENSION_KEY' : '; set LOCAL_MCP_EXTENSION_KEY to keep one'}; the master key works too)`,
        ]
      : []),
    'Send a key as the x-functions-key header or ?code=. Ctrl+C stops the host.',
    '',
    `Offline host listening on ${host.baseUrl}`,
  ];
  console.log(lines.join('\n'));

  stopOnSignals(host, 'the offline host');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
