import { badRequest, tooLarge, unsupportedMediaType } from './errors';

/** The parts of an HTTP request the body helpers read (an `HttpRequest` fits). */
export interface BodySource {
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

/** `application/json`, optionally with `charset=utf-8`; anything else is a 415 that says what to send. */
export function assertJsonContentType(contentType: string | null): void {
  const expect = "send 'Content-Type: application/json'";
  if (!contentType) throw unsupportedMediaType(`missing Content-Type; ${expect}`);
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json')
    throw unsupportedMediaType(`unsupported Content-Type '${type}'; ${expect}`);
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (k === 'charset' && v !== 'utf-8' && v !== 'utf8')
      throw unsupportedMediaType(`unsupported charset '${v}'; the body must be UTF-8`);
  }
}

/**
 * Reads at most `maxBytes` of the body. The declared Content-Length is checked first (cheap refusal),
 * then the bytes actually read, so a missing or lying Content-Length cannot get past the limit.
 */
export async function readBodyLimited(req: BodySource, maxBytes: number): Promise<Buffer> {
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    throw tooLarge(`body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`, { limit: maxBytes });
  }
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Drain, do not cancel: cancelling destroys the request, and with it the connection the host
      // forwards requests on (the worker's HTTP proxy), so this 413 — or the next request on that
      // connection — could be lost as a 500. Node's own server drains unread bodies the same way; the
      // host's request size limit (100 MB) bounds what is read.
      for (let rest = await reader.read(); !rest.done; rest = await reader.read());
      throw tooLarge(`body exceeds the limit of ${maxBytes} bytes`, { limit: maxBytes });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → JSON value: 400 for empty bodies, invalid UTF-8, malformed JSON or strings that are not well-formed Unicode. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) throw badRequest('request body is empty; expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest('request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // RangeError (nesting too deep) lands here too.
    throw badRequest(`malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const bad = findLoneSurrogate(value);
  if (bad !== undefined) {
    throw badRequest(
      'request body contains a lone UTF-16 surrogate (\\uD800-\\uDFFF escape without its pair)',
      [{ path: bad, message: 'not well-formed Unicode' }],
    );
  }
  return value;
}

/** Content type, limit, bytes, JSON: everything a JSON POST endpoint checks before its schema. */
export async function readJsonBody(req: BodySource, maxBytes: number): Promise<unknown> {
  assertJsonContentType(req.headers.get('content-type'));
  return parseJsonBytes(await readBodyLimited(req, maxBytes));
}

/** Path (`a.b[2]`) of the first string or key with a lone surrogate; iterative so deep nesting cannot overflow. */
export function findLoneSurrogate(root: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (!isWellFormed(value)) return path === '' ? '(body)' : path;
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const p = path === '' ? k : `${path}.${k}`;
        if (!isWellFormed(k)) return p;
        stack.push([v, p]);
      }
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** `String.prototype.isWellFormed` (ES2024) without raising the lib target. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
