// Builds the case-review MCP App into one self-contained HTML file (no CDN, no network): bundles
// case-review.ts with esbuild and inlines it into case-review.html → dist/src/mcp/ui/case-review.html,
// which the mcpResource serves. Run by `npm run build` (also in the Azure remote build).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const out = path.join(root, 'dist/src/mcp/ui/case-review.html');

// zod (via the MCP SDK's schemas) re-exports every message locale (~260 KB); the view only needs the
// English one zod configures by default, so the locale index resolves to English alone.
const englishOnly = {
  name: 'zod-english-locale',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'zod-english-locale' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-locale' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
  },
};

const bundle = await build({
  plugins: [englishOnly],
  entryPoints: [path.join(here, 'case-review.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// A literal "</script" inside the script would end the element early.
const script = bundle.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
const template = readFileSync(path.join(here, 'case-review.html'), 'utf8');
if (!template.includes('/* APP_SCRIPT */'))
  throw new Error('case-review.html lost its /* APP_SCRIPT */ placeholder');
const html = template.replace('/* APP_SCRIPT */', () => script);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, html);
console.log(`MCP App: ${path.relative(root, out)} (${Math.round(html.length / 1024)} KB, self-contained)`);
