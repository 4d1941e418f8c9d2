/**
 * npm run bench -- [--only host,other] [--quick] [--set key=value ...] [--list]
 *
 * Runs every bench section found as scripts/bench/<name>.bench.ts (see registry.ts) and prints a table each.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { figureSection, renderTable, type BenchSection, type FigureBench } from './registry.js';

async function discover(): Promise<BenchSection[]> {
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const sections: BenchSection[] = [];
  for (const file of files) {
    type BenchModule = { section?: BenchSection; bench?: FigureBench };
    const imported = (await import(path.join(__dirname, file))) as BenchModule & { default?: BenchModule };
    const mod = imported.section || imported.bench ? imported : (imported.default ?? {});
    const section = mod.section ?? (mod.bench ? figureSection(mod.bench) : undefined);
    if (!section)
      throw new Error(
        `${file} must export \`section: BenchSection\` or \`bench: FigureBench\` (see scripts/bench/registry.ts).`,
      );
    sections.push(section);
  }
  return sections;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      set: { type: 'string', multiple: true, default: [] },
      list: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const sections = await discover();
  if (values.list) {
    for (const s of sections) console.log(`${s.name.padEnd(16)} ${s.title}`);
    return;
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only?.filter((n) => !sections.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `Unknown bench section(s): ${unknown.join(', ')}. Available: ${sections.map((s) => s.name).join(', ')}.`,
    );
  const settings: Record<string, string> = {};
  for (const pair of values.set) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got '${pair}'.`);
    settings[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const selected = sections.filter((s) => !only || only.includes(s.name));
  console.log(
    `bench: ${selected.map((s) => s.name).join(', ')}${values.quick ? ' (quick)' : ''} · node ${process.version} · ${new Date().toISOString()}`,
  );
  for (const section of selected) {
    console.log(`\n== ${section.title} ==`);
    const result = await section.run({ quick: values.quick, settings, log: (l) => console.log(`  ${l}`) });
    console.log(renderTable(result.rows));
    for (const note of result.notes ?? []) console.log(note);
  }
}

// Exit explicitly: an app that enabled HTTP streaming keeps @azure/functions' stream proxy listening
// after the offline host stops, which would hold the process open.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
