/** The app's entry point(s): package.json `main`, a file or a glob like `dist/src/functions/*.js`. */
import fs from 'node:fs';
import path from 'node:path';

export function resolveEntryFiles(appDir: string): string[] {
  const pkgPath = path.join(appDir, 'package.json');
  if (!fs.existsSync(pkgPath))
    throw new Error(`No package.json in ${appDir}: the host reads the app's entry point from its "main".`);
  const main = (JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { main?: unknown }).main;
  if (typeof main !== 'string' || main.length === 0) {
    throw new Error(
      `${pkgPath} has no "main": set it to the built entry point (a file or a glob such as dist/src/functions/*.js).`,
    );
  }
  if (!/[*?{]/.test(main)) {
    const file = path.resolve(appDir, main);
    if (!fs.existsSync(file))
      throw new Error(`The app's entry point ${file} does not exist. Build the app first (npm run build).`);
    return [file];
  }
  const matcher = globToRegExp(main.replace(/^\.\//, ''));
  const files = (fs.readdirSync(appDir, { recursive: true }) as string[])
    .map((rel) => rel.split(path.sep).join('/'))
    .filter((rel) => !rel.startsWith('node_modules/') && matcher.test(rel))
    .sort()
    .map((rel) => path.join(appDir, rel));
  if (files.length === 0)
    throw new Error(`No file matches the app's entry point "${main}" in ${appDir}. Build the app first.`);
  return files;
}

/** The subset of glob syntax Functions apps use in "main": `*`, `**`, `?` and `{a,b}`. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
