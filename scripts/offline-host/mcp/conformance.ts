/**
 * npm run mcp:conformance [-- --scenario NAME]
 *
 * Runs the official MCP conformance suite's server scenarios (@modelcontextprotocol/conformance, active
 * and pending suites) against the offline host's MCP webhook, serving test/mcp/fixtures/everything (the
 * tools, resources and prompts the scenarios call, written with @azure/functions), and prints one table
 * row per scenario. The key travels as `?code=` (the suite's client sends no headers). Exits non-zero
 * when a scenario that applies to the Functions MCP extension fails.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';

/** Why a scenario cannot pass on the Functions MCP extension (read from its source; see README.md). */
export const NOT_APPLICABLE: Record<string, string> = {
  'logging-set-level':
    'no logging capability (FunctionsMcpServerOptionsSetup declares tools, resources, prompts)',
  'tools-call-with-logging': 'a function cannot send notifications to the client',
  'tools-call-with-progress': 'a function cannot send notifications to the client',
  'tools-call-sampling': 'a function cannot send requests (sampling) to the client',
  'tools-call-elicitation': 'a function cannot send requests (elicitation) to the client',
  'elicitation-sep1034-defaults': 'a function cannot send requests (elicitation) to the client',
  'elicitation-sep1330-enums': 'a function cannot send requests (elicitation) to the client',
  'completion-complete': 'no completion handler in the extension',
  'resources-subscribe': 'no subscribe handler in the extension',
  'resources-unsubscribe': 'no subscribe handler in the extension',
  'prompts-get-embedded-resource':
    'a Node prompt returns one user text message (SimplePromptReturnValueBinder; no result schema for prompts)',
  'prompts-get-with-image':
    'a Node prompt returns one user text message (SimplePromptReturnValueBinder; no result schema for prompts)',
  'json-schema-2020-12':
    'Node tools get a property-based input schema; no worker input schema in @azure/functions',
  'dns-rebinding-protection':
    'no Host/Origin check in the extension: the key is its protection (the scenario assumes a keyless server)',
  'server-sse-polling': 'stateless Streamable HTTP: no GET stream, no event ids, no resumption',
};

export interface ScenarioResult {
  scenario: string;
  passed: number;
  total: number;
  failures: string[];
  applies: boolean;
  note: string;
}

const CLI = require.resolve('@modelcontextprotocol/conformance/dist/index.js');

/** Runs a suite (or one scenario) of server scenarios against `url`; one result per scenario run. */
export async function runConformance(
  url: string,
  opts: { suite?: 'active' | 'pending' | 'all'; scenario?: string } = {},
): Promise<ScenarioResult[]> {
  const out = mkdtempSync(path.join(tmpdir(), 'mcp-conformance-'));
  try {
    const args = [CLI, 'server', '--url', url, '-o', out];
    if (opts.scenario) args.push('--scenario', opts.scenario);
    else args.push('--suite', opts.suite ?? 'all');
    // The CLI exits non-zero when a check fails; the checks files are the result either way.
    await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }).catch(() => undefined);
    return readdirSync(out)
      .map((dir) => {
        const scenario = dir.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT.*$/, '');
        const checks = JSON.parse(readFileSync(path.join(out, dir, 'checks.json'), 'utf8')) as Array<{
          status: string;
          name: string;
          errorMessage?: string;
        }>;
        const failed = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
        const ok = checks.filter((c) => c.status === 'SUCCESS' || c.status === 'INFO');
        const reason = NOT_APPLICABLE[scenario];
        return {
          scenario,
          passed: ok.length,
          total: checks.length,
          failures: failed.map((c) => `${c.name}: ${c.errorMessage ?? c.status}`),
          applies: reason === undefined,
          note: reason ?? '',
        };
      })
      .sort((a, b) => (a.scenario < b.scenario ? -1 : 1));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function resultTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => {
    const verdict = r.failures.length === 0 ? 'pass' : r.applies ? '**FAIL**' : 'fails (n/a)';
    const detail = r.applies ? r.failures.join('; ') : r.note;
    return `| ${r.scenario} | ${verdict} | ${r.passed}/${r.total} | ${detail.replace(/\|/g, '\\|')} |`;
  });
  return [
    '| scenario | result | checks | not applicable because / failures |',
    '|---|---|---:|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scenario: { type: 'string' } }, strict: true });
  const { startOfflineHost } = await import('../index.js');
  const appDir = path.resolve(__dirname, '../../../test/mcp/fixtures/everything');
  const host = await startOfflineHost({
    appDir,
    port: 0,
    inMemory: true,
    clock: 'virtual',
    enableTimerTriggers: false,
  });
  try {
    const url = `${host.mcpUrl}?code=${host.mcpExtensionKey}`;
    const results = await runConformance(url, values.scenario ? { scenario: values.scenario } : {});
    const { version } = JSON.parse(
      readFileSync(require.resolve('@modelcontextprotocol/conformance/package.json'), 'utf8'),
    ) as { version: string };
    console.log(`@modelcontextprotocol/conformance ${version}, server scenarios (active + pending suites)\n`);
    console.log(resultTable(results));
    const applicable = results.filter((r) => r.applies);
    const failing = applicable.filter((r) => r.failures.length > 0);
    console.log(
      `\n${applicable.length - failing.length}/${applicable.length} applicable scenarios pass; ${results.length - applicable.length} do not apply to the Functions MCP extension.`,
    );
    process.exitCode = failing.length > 0 ? 1 : 0;
  } finally {
    await host.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
