/** Request and response plumbing shared by the front door and the durable client channel. */
import type http from 'node:http';

export class BodyTooLarge extends Error {}

/**
 * The request target as a URL, or undefined when it is neither origin-form (`/path?query`) nor
 * absolute-form. `new URL(req.url, base)` would read `//evil/path` as host `evil` and path `/path`;
 * this keeps the path as sent, with `.`/`..` segments (also `%2e`) resolved as the WHATWG parser does,
 * so routing and key checks see the same normalised path.
 */
export function requestUrl(req: http.IncomingMessage): URL | undefined {
  const target = req.url ?? '/';
  const host = req.headers.host ?? 'localhost';
  try {
    if (target.startsWith('/')) return new URL(`http://${host}${target}`);
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      return new URL(`http://${host}${absolute.pathname}${absolute.search}`);
    }
  } catch {
    // A Host header that is not a valid authority: fall through.
  }
  return undefined;
}

export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function flatHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
