/**
 * npm run eval -- [--seed N | --seeds 1,2,3] [--size N] [--per-variant N] [--background N]
 *                 [--model scripted|azure|openai] [--out DIR] [--families a,b] [--customers N] [--quick]
 *
 * A labelled benchmark through the real app on the offline host: generates the corpus from the seed,
 * ingests it over the app's HTTP API with the virtual clock at the corpus' now, waits for every case,
 * scores it and writes eval-results/seed-N.{json,md} (and scorecard.{json,md} for the last seed;
 * spread.{json,md} with several seeds). `--model azure|openai` runs the same corpus against a real
 * endpoint from the environment (never in CI). Exits 1 when a goal is missed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const OPTIONS = {
  seed: { type: 'string', default: '1' },
  seeds: { type: 'string' },
  size: { type: 'string' },
  'per-variant': { type: 'string' },
  background: { type: 'string' },
  model: { type: 'string', default: 'scripted' },
  out: { type: 'string', default: 'eval-results' },
  families: { type: 'string' },
  customers: { type: 'string' },
  quick: { type: 'boolean', default: false },
} as const;

const { values } = (() => {
  try {
    return parseArgs({ options: OPTIONS, strict: true });
  } catch (err) {
    console.error(`eval: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
})();

/** The population the corpus draws its customers from (the app is started with the same). */
const DATASET_CUSTOMERS = Number(values.customers ?? 3000);
const NOW = '2026-04-01T00:00:00.000Z';

async function main(): Promise<number> {
  // The generator reads the same dataset as the app: set its size before anything reads the config.
  process.env['DATASET_CUSTOMERS'] = String(DATASET_CUSTOMERS);
  const { generateCorpus } = await import('./corpus/index.js');
  const { runCorpus } = await import('./run.js');
  const { score } = await import('./score.js');
  const { markdown, figuresOf, spreadMarkdown } = await import('./report.js');
  const model = values.model;
  const env = modelEnv(model);
  const real = model !== 'scripted';
  const seeds = (values.seeds ?? values.seed).split(',').map((x) => positive(x.trim(), '--seed'));
  const size = positive(values.size ?? (values.quick || real ? '60' : '500'), '--size');
  const perVariant = values['per-variant'] ? positive(values['per-variant'], '--per-variant') : undefined;
  const background = positive(values.background ?? (values.quick ? '60' : '400'), '--background');
  const out = path.resolve(values.out);
  mkdirSync(out, { recursive: true });
  const figures = [];
  let failed = false;
  for (const seed of seeds) {
    const t0 = performance.now();
    const corpus = generateCorpus({
      seed,
      now: NOW,
      size,
      ...(perVariant ? { perVariant } : {}),
      background,
      datasetCustomers: DATASET_CUSTOMERS,
      ...(values.families ? { families: values.families.split(',').map((s) => s.trim()) } : {}),
    });
    const events =
      corpus.cases.reduce((s, c) => s + c.prelude.length + c.pattern.length, 0) +
      corpus.background.reduce((s, b) => s + b.events.length, 0);
    console.log(
      `eval: seed ${seed}, model ${model}: ${corpus.cases.length} labelled cases (${corpus.perVariant} per family and customer kind) + ${corpus.background.length} background customers, ${events.toLocaleString('en-US')} events (corpus in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const bar = progressBar();
    const run = await runCorpus(corpus, { env, model, progress: bar });
    bar.done();
    const card = score(corpus, run);
    card.wallSeconds.total = (performance.now() - t0) / 1000;
    card.command = commandLine(seed);
    const md = markdown(card);
    const json = `${JSON.stringify({ ...card, appCases: run.cases, alerts: run.alerts }, null, 2)}\n`;
    writeFileSync(path.join(out, `seed-${seed}.json`), json);
    writeFileSync(path.join(out, `seed-${seed}.md`), md);
    writeFileSync(path.join(out, 'scorecard.json'), json);
    writeFileSync(path.join(out, 'scorecard.md'), md);
    console.log(`\n${md}`);
    console.log(
      `wrote ${path.join(out, `seed-${seed}.md`)} and .json in ${card.wallSeconds.total.toFixed(1)} s`,
    );
    figures.push(figuresOf(card));
    failed ||= !card.goals.every((g) => g.met);
  }
  if (seeds.length > 1) {
    const md = spreadMarkdown(figures);
    writeFileSync(path.join(out, 'spread.json'), `${JSON.stringify(figures, null, 2)}\n`);
    writeFileSync(path.join(out, 'spread.md'), md);
    console.log(`\n${md}`);
  }
  return failed ? 1 : 0;
}

/** A mistake on the command line: said in one line, without a stack. */
class UsageError extends Error {}

function positive(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not '${raw}'`);
  return n;
}

/** The command that reproduces this seed's run (with several seeds, the one seed). */
function commandLine(seed: number): string {
  const args: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seeds' || argv[i] === '--seed') i++;
    else if (argv[i]!.startsWith('--seeds=') || argv[i]!.startsWith('--seed=')) continue;
    else args.push(argv[i]!);
  }
  return `npm run eval -- --seed ${seed}${args.length ? ` ${args.join(' ')}` : ''}`;
}

/** The app settings that select the model (the app picks Azure OpenAI, an OpenAI-compatible endpoint, or scripted). */
function modelEnv(model: string): Record<string, string> {
  const need = (names: string[]) => {
    const missing = names.filter((n) => !process.env[n]);
    if (missing.length)
      throw new Error(
        `--model ${model} needs ${missing.join(', ')} in the environment (see README: Evaluation).`,
      );
  };
  switch (model) {
    case 'scripted':
      return { AZURE_OPENAI_ENDPOINT: '', OPENAI_BASE_URL: '' };
    case 'azure':
      need(['AZURE_OPENAI_ENDPOINT']);
      return { AZURE_OPENAI_ENDPOINT: process.env['AZURE_OPENAI_ENDPOINT']!, OPENAI_BASE_URL: '' };
    case 'openai':
      need(['OPENAI_API_KEY']);
      return {
        AZURE_OPENAI_ENDPOINT: '',
        OPENAI_BASE_URL: process.env['OPENAI_BASE_URL'] ?? 'https://api.openai.com/v1',
      };
    default:
      throw new UsageError(`--model must be scripted, azure or openai, not '${model}'`);
  }
}

function progressBar() {
  const tty = process.stderr.isTTY;
  let last = '';
  const draw = (p: { phase: string; done: number; total: number }) => {
    const width = 30;
    const filled = p.total ? Math.round((width * p.done) / p.total) : 0;
    const line = `${p.phase.padEnd(6)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}${p.phase === 'settle' ? ' cases settled' : ' events'}`;
    if (line === last) return;
    const step = (l: string) => l.replace(/\].*/, '');
    // Without a terminal, one line per step of the bar (a CI log stays readable).
    if (!tty && step(line) !== step(last)) process.stderr.write(`${line}\n`);
    last = line;
    if (tty) process.stderr.write(`\r${line}`);
  };
  return Object.assign(draw, {
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(
      err instanceof UsageError
        ? `eval: ${err.message}`
        : err instanceof Error
          ? (err.stack ?? err.message)
          : err,
    );
    process.exit(2);
  },
);
