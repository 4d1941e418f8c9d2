import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Structural readers for the deployment files. There is no Bicep compiler, Core Tools or Azure on the
 * build machines, so these tests read the files as text; they prove consistency, not deployability.
 */

export const ROOT = path.resolve(__dirname, '..', '..');
export const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');
export const readJson = <T = Record<string, unknown>>(rel: string): T => JSON.parse(read(rel)) as T;

/** Repository files (relative, forward slashes), skipping node_modules, .git and other heavy dirs. */
export function listFiles(
  dir = '',
  skip = new Set(['node_modules', '.git', '.data', 'test-results']),
): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(rel, skip));
    else out.push(rel);
  }
  return out;
}

export const bicepFiles = (): string[] => listFiles('infra').filter((f) => f.endsWith('.bicep'));

/** The keys of `const Settings = z.object({...})` in src/config.ts — every setting the app reads. */
export function configSettingKeys(): string[] {
  const src = read('src/config.ts');
  const start = src.indexOf('const Settings = z.object({');
  const end = src.indexOf('\n});', start);
  if (start < 0 || end < 0)
    throw new Error('src/config.ts: could not find `const Settings = z.object({ ... });`');
  return [...src.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
}

/** The text of a `{ ... }` block starting at the first `{` at or after `from` (brace-balanced). */
export function blockAt(text: string, from: number): string {
  const open = text.indexOf('{', from);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  throw new Error(`unbalanced braces after offset ${from}`);
}

export interface BicepResource {
  file: string;
  symbol: string;
  type: string;
  apiVersion: string;
  condition?: string;
  body: string;
}

export function bicepResources(file: string): BicepResource[] {
  const text = read(file);
  const re = /^resource (\w+) '([^'@]+)@([^']+)'(?: existing)? = (?:if \((.+?)\) )?\{/gm;
  return [...text.matchAll(re)].map((m) => ({
    file,
    symbol: m[1]!,
    type: m[2]!,
    apiVersion: m[3]!,
    ...(m[4] ? { condition: m[4] } : {}),
    body: blockAt(text, m.index!),
  }));
}

/** `var name = '<value>'` string literals of a Bicep file. */
export function bicepStringVars(file: string): Map<string, string> {
  return new Map([...read(file).matchAll(/^var (\w+) = '([^']*)'/gm)].map((m) => [m[1]!, m[2]!]));
}

export interface RoleAssignment {
  file: string;
  symbol: string;
  /** Resource type of the scope, e.g. Microsoft.DurableTask/schedulers. */
  scopeType: string;
  roleId: string;
  /** The Bicep variable holding the role id. */
  roleVar: string;
  /** The Bicep parameter holding the principal: appPrincipalId or userPrincipalId. */
  principal: string;
  principalType: string;
  guidArgs: string[];
  conditional: boolean;
}

export function roleAssignments(): RoleAssignment[] {
  return bicepFiles().flatMap((file) => {
    const resources = bicepResources(file);
    const vars = bicepStringVars(file);
    return resources
      .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
      .map((r) => {
        const field = (re: RegExp) => re.exec(r.body)?.[1]?.trim() ?? '';
        const scope = field(/^\s*scope: (\w+)/m);
        const roleVar = field(
          /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (\w+)\)/,
        );
        return {
          file,
          symbol: r.symbol,
          scopeType: resources.find((s) => s.symbol === scope)?.type ?? `<unknown scope ${scope}>`,
          roleId: vars.get(roleVar) ?? `<unresolved ${roleVar}>`,
          roleVar,
          principal: field(/^\s*principalId: (\w+)/m),
          principalType: field(/^\s*principalType: (.+)$/m),
          guidArgs: field(/^\s*name: guid\((.*)\)\s*$/m)
            .split(',')
            .map((s) => s.trim()),
          conditional: r.condition !== undefined,
        };
      });
  });
}

/** ../shared/reference/azure-facts.md, whitespace-collapsed, when the steering checkout is beside us. */
export function azureFactsText(): string | undefined {
  const facts = path.resolve(ROOT, '..', 'shared', 'reference', 'azure-facts.md');
  return existsSync(facts) ? readFileSync(facts, 'utf8').replace(/\s+/g, ' ') : undefined;
}
