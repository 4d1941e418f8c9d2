/**
 * Azure Functions HTTP route templates (ASP.NET Core route template syntax, the subset the Functions host
 * uses): literal segments, `{name}`, optional `{name?}`, defaults `{name=value}`, constraints
 * `{name:int}` / `{name:int:min(1)}` / `{name:regex(^a+$)}`, and catch-all `{*rest}` as the last segment.
 * Literals match case-insensitively; parameter values are URL-decoded.
 */

type Constraint = (value: string) => boolean;

interface LiteralSegment {
  kind: 'literal';
  text: string;
}
interface ParamSegment {
  kind: 'param';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: Constraint[];
}
type Segment = LiteralSegment | ParamSegment;

export interface RouteTemplate {
  readonly template: string;
  /** Lower is more specific; candidate routes are tried in ascending order. */
  readonly precedence: number;
  match(path: string): Record<string, string> | undefined;
}

const numeric = (re: RegExp) => (v: string) => re.test(v);
const INT = /^-?\d+$/;
const FLOAT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function namedConstraint(name: string, arg: string | undefined): Constraint {
  const n = arg === undefined ? NaN : Number(arg);
  switch (name.toLowerCase()) {
    case 'int':
      return (v) => INT.test(v) && Math.abs(Number(v)) <= 2 ** 31;
    case 'long':
      return numeric(INT);
    case 'float':
    case 'double':
    case 'decimal':
      return numeric(FLOAT);
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'alpha':
      return numeric(/^[a-z]+$/i);
    case 'guid':
      return numeric(/^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i);
    case 'datetime':
      return (v) => !Number.isNaN(Date.parse(v));
    case 'minlength':
      return (v) => v.length >= n;
    case 'maxlength':
      return (v) => v.length <= n;
    case 'length': {
      const [a, b] = (arg ?? '').split(',').map(Number);
      return b === undefined ? (v) => v.length === a : (v) => v.length >= (a ?? 0) && v.length <= b;
    }
    case 'min':
      return (v) => INT.test(v) && Number(v) >= n;
    case 'max':
      return (v) => INT.test(v) && Number(v) <= n;
    case 'range': {
      const [a, b] = (arg ?? '').split(',').map(Number);
      return (v) => INT.test(v) && Number(v) >= (a ?? -Infinity) && Number(v) <= (b ?? Infinity);
    }
    case 'regex': {
      const re = new RegExp(arg ?? '', 'i');
      return (v) => re.test(v);
    }
    default:
      throw new Error(
        `Unsupported route constraint '${name}'. Supported: int, long, float, double, decimal, bool, alpha, guid, datetime, minlength, maxlength, length, min, max, range, regex.`,
      );
  }
}

/** Splits `int:min(1):regex(a:b)` on colons that are not inside parentheses. */
function splitConstraints(spec: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of spec) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.filter((p) => p.length > 0);
}

function parseParam(rawBody: string, template: string): ParamSegment {
  // `{{` and `}}` escape braces inside a parameter (e.g. regex quantifiers).
  const body = rawBody.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  let rest = body;
  const catchAll = rest.startsWith('*');
  if (catchAll) rest = rest.replace(/^\*+/, '');
  const colon = rest.search(/[:=?]/);
  const name = colon < 0 ? rest : rest.slice(0, colon);
  rest = colon < 0 ? '' : rest.slice(colon);
  let optional = false;
  let defaultValue: string | undefined;
  if (rest.endsWith('?')) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  const eq = rest.lastIndexOf('=');
  if (eq >= 0 && !rest.slice(eq).includes(')')) {
    defaultValue = rest.slice(eq + 1);
    rest = rest.slice(0, eq);
  }
  if (!/^[A-Za-z_][\w]*$/.test(name))
    throw new Error(`Invalid route parameter '{${body}}' in route '${template}'.`);
  const constraints = splitConstraints(rest).map((c) => {
    const m = /^(\w+)(?:\((.*)\))?$/s.exec(c);
    if (!m) throw new Error(`Invalid route constraint '${c}' in route '${template}'.`);
    return namedConstraint(m[1] as string, m[2]);
  });
  return {
    kind: 'param',
    name,
    optional: optional || catchAll || defaultValue !== undefined,
    catchAll,
    defaultValue,
    constraints,
  };
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^[~/]+/, '').replace(/\/+$/, '');
  const segments: Segment[] =
    trimmed === ''
      ? []
      : trimmed.split('/').map((raw): Segment => {
          const m = /^\{(.+)\}$/s.exec(raw);
          if (m) return parseParam(m[1] as string, template);
          if (raw.includes('{')) {
            throw new Error(
              `Route '${template}': a segment mixing text and parameters ('${raw}') is not supported by the offline host.`,
            );
          }
          return { kind: 'literal', text: raw.toLowerCase() };
        });
  segments.forEach((s, i) => {
    if (s.kind === 'param' && s.catchAll && i !== segments.length - 1) {
      throw new Error(`Route '${template}': a catch-all parameter must be the last segment.`);
    }
  });

  // ASP.NET inbound route precedence: one digit per segment (literal 1, constrained parameter 3,
  // parameter 4, catch-all 5) read as a decimal fraction; lower sorts first.
  const precedence = segments.reduce((sum, s, i) => {
    const digit = s.kind === 'literal' ? 1 : s.catchAll ? 5 : s.constraints.length > 0 ? 3 : 4;
    return sum + digit / 10 ** (i + 1);
  }, 0);

  return {
    template,
    precedence,
    match(path: string) {
      const parts = path.replace(/^\/+/, '').replace(/\/+$/, '');
      const pieces = parts === '' ? [] : parts.split('/');
      const params: Record<string, string> = {};
      let i = 0;
      for (const seg of segments) {
        if (seg.kind === 'literal') {
          if (pieces[i] === undefined || safeDecode(pieces[i] as string).toLowerCase() !== seg.text)
            return undefined;
          i++;
          continue;
        }
        if (seg.catchAll) {
          const value = pieces.slice(i).map(safeDecode).join('/');
          i = pieces.length;
          if (value !== '') params[seg.name] = value;
          else if (seg.defaultValue !== undefined) params[seg.name] = seg.defaultValue;
          continue;
        }
        const piece = pieces[i];
        if (piece === undefined || piece === '') {
          if (!seg.optional) return undefined;
          if (seg.defaultValue !== undefined) params[seg.name] = seg.defaultValue;
          continue;
        }
        const value = safeDecode(piece);
        if (!seg.constraints.every((c) => c(value))) return undefined;
        params[seg.name] = value;
        i++;
      }
      return i === pieces.length ? params : undefined;
    },
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
