/**
 * Who is deciding. In Azure, App Service Authentication (Easy Auth) strips these headers from client
 * requests and injects the signed-in principal, so they are trustworthy there; offline there is no Easy
 * Auth and the body's `analyst` (or 'anonymous') is used. Never throws: a broken header is ignored.
 */
export interface AnalystIdentity {
  analyst: string;
  /** `mcp-key`: an MCP caller with only the extension key (src/mcp/identity.ts). */
  source: 'easy-auth' | 'body' | 'anonymous' | 'mcp-key';
}

interface HeaderSource {
  get(name: string): string | null;
}

interface Claim {
  typ?: unknown;
  val?: unknown;
}

const NAME_CLAIMS = [
  'name',
  'preferred_username',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  'email',
  'upn',
];

const MAX_NAME = 200;

function clean(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters have no place in an audit name; keep the rest (names are unicode).
  const s = value
    .replace(/[\p{Cc}]/gu, '')
    .trim()
    .slice(0, MAX_NAME);
  return s === '' ? undefined : s;
}

/** Name from an `x-ms-client-principal` value (base64 JSON, App Service or Static Web Apps shape). */
export function principalName(headerValue: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(headerValue, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const p = parsed as { claims?: unknown; name_typ?: unknown; userDetails?: unknown };
  const claims: Claim[] = Array.isArray(p.claims) ? (p.claims as Claim[]) : [];
  const byType = (typ: unknown) => clean(claims.find((c) => c && c.typ === typ)?.val);
  if (typeof p.name_typ === 'string') {
    const n = byType(p.name_typ);
    if (n) return n;
  }
  for (const typ of NAME_CLAIMS) {
    const n = byType(typ);
    if (n) return n;
  }
  return clean(p.userDetails);
}

export function analystIdentity(headers: HeaderSource, bodyAnalyst?: string): AnalystIdentity {
  const principal = headers.get('x-ms-client-principal');
  const fromPrincipal = principal ? principalName(principal) : undefined;
  const fromName = clean(headers.get('x-ms-client-principal-name'));
  const easy = fromPrincipal ?? fromName;
  if (easy) return { analyst: easy, source: 'easy-auth' };
  const body = clean(bodyAnalyst);
  if (body) return { analyst: body, source: 'body' };
  return { analyst: 'anonymous', source: 'anonymous' };
}
