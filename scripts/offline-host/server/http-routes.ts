import type { FunctionInfo } from '../types.js';
import { parseRouteTemplate, type RouteTemplate } from './route-template.js';

/** Routes the app's HTTP triggers as the Functions host does: `/<routePrefix>/<route>`. */
export type RouteMatch =
  | { kind: 'found'; fn: FunctionInfo; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface Entry {
  fn: FunctionInfo;
  template: RouteTemplate;
  methods: string[] | undefined;
}

export interface HttpRouteTable {
  readonly routePrefix: string;
  /** Full URL path for a function, e.g. `/api/cases/{caseId}`. */
  pathOf(fn: FunctionInfo): string;
  match(method: string, pathname: string): RouteMatch;
}

export function createHttpRouteTable(
  functions: readonly FunctionInfo[],
  routePrefix = 'api',
): HttpRouteTable {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
  const entries: Entry[] = functions
    .filter((f) => f.trigger === 'httpTrigger')
    .map((fn) => ({
      fn,
      template: parseRouteTemplate(fn.route ?? fn.name),
      methods: fn.methods?.map((m) => m.toUpperCase()),
    }))
    .sort((a, b) => a.template.precedence - b.template.precedence);

  const stripPrefix = (pathname: string): string | undefined => {
    if (prefix === '') return pathname;
    const lower = pathname.toLowerCase();
    const p = `/${prefix.toLowerCase()}`;
    if (lower === p) return '/';
    return lower.startsWith(`${p}/`) ? pathname.slice(p.length) : undefined;
  };

  return {
    routePrefix: prefix,
    pathOf: (fn) =>
      `/${[prefix, (fn.route ?? fn.name).replace(/^\/+/, '')].filter((s) => s !== '').join('/')}`,
    match(method, pathname) {
      const rest = stripPrefix(pathname);
      if (rest === undefined) return { kind: 'not-found' };
      const allowed = new Set<string>();
      for (const entry of entries) {
        const params = entry.template.match(rest);
        if (!params) continue;
        if (!entry.methods || entry.methods.includes(method.toUpperCase())) {
          return { kind: 'found', fn: entry.fn, params };
        }
        entry.methods.forEach((m) => allowed.add(m));
      }
      return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
    },
  };
}
