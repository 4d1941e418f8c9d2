/**
 * The README's curl walkthrough as data: the fenced bash block after the `<!-- walkthrough -->` marker,
 * cut into statements (a line and its `\` continuations). A `# → <answer> <status>` comment under a
 * statement is its expected answer: the HTTP status, and the `"key":value` pairs shown (a string value
 * ending in `…` is a prefix).
 */
export interface Expected {
  status: number;
  pairs: Array<{ key: string; value: string | number | boolean | null; prefix: boolean }>;
  text: string;
}

export interface Statement {
  /** The command as bash runs it. */
  command: string;
  /** 1-based line in the block. */
  line: number;
  expected?: Expected;
}

export function walkthroughBlock(readme: string): string {
  const marker = readme.indexOf('<!-- walkthrough');
  if (marker < 0) throw new Error('README.md has no <!-- walkthrough --> marker before its curl block.');
  const open = readme.indexOf('```bash\n', marker);
  const close = readme.indexOf('\n```', open + 8);
  if (open < 0 || close < 0) throw new Error('README.md: no ```bash block after the walkthrough marker.');
  return readme.slice(open + 8, close + 1);
}

export function statements(block: string): Statement[] {
  const lines = block.split('\n');
  const out: Statement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const expectation = /^\s*# → (.*)$/.exec(line);
    if (expectation) {
      const last = out.at(-1);
      if (!last) throw new Error(`walkthrough line ${i + 1}: an answer before any command`);
      last.expected = parseExpected(expectation[1]!, i + 1);
      continue;
    }
    if (/^\s*(#|$)/.test(line)) continue;
    const start = i;
    let command = line;
    while (command.endsWith('\\') && i + 1 < lines.length) command = `${command}\n${lines[++i]}`;
    out.push({ command, line: start + 1 });
  }
  return out;
}

const PAIR = /"([A-Za-z]+)":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g;

export function parseExpected(text: string, line: number): Expected {
  const m = /^(.*?)\s*(\d{3})$/.exec(text.trim());
  if (!m) throw new Error(`walkthrough line ${line}: an answer must end with its HTTP status: ${text}`);
  const pairs = [...m[1]!.matchAll(PAIR)].map(([, key, raw]) => {
    const value = JSON.parse(raw!) as string | number | boolean | null;
    const prefix = typeof value === 'string' && value.endsWith('…');
    return { key: key!, value: prefix ? (value as string).slice(0, -1) : value, prefix };
  });
  return { status: Number(m[2]), pairs, text };
}

/** Every value found under `key` anywhere in `json`. */
function valuesOf(json: unknown, key: string): unknown[] {
  if (Array.isArray(json)) return json.flatMap((v) => valuesOf(v, key));
  if (json === null || typeof json !== 'object') return [];
  return Object.entries(json).flatMap(([k, v]) => [...(k === key ? [v] : []), ...valuesOf(v, key)]);
}

/** The pairs of the expected answer missing from the body, described (empty: it matches). */
export function mismatches(expected: Expected, body: unknown): string[] {
  return expected.pairs
    .filter(
      (p) =>
        !valuesOf(body, p.key).some((v) =>
          p.prefix ? typeof v === 'string' && v.startsWith(p.value as string) : v === p.value,
        ),
    )
    .map((p) => `"${p.key}":${JSON.stringify(p.value)}${p.prefix ? '…' : ''}`);
}
