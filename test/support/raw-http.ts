import net from 'node:net';

/**
 * HTTP/1.1 over a raw socket, for what fetch() will not send or hides: request targets that are not
 * normalised (`/api/../durabletask`), several requests on one keep-alive connection, chunked bodies.
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export function encodeRequest(r: RawRequest, host: string): string {
  const headers = r.headers ?? {};
  const lines = [`${r.method} ${r.target} HTTP/1.1`];
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) lines.push(`Host: ${host}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const body = r.body ?? '';
  if (r.chunked) {
    lines.push('Transfer-Encoding: chunked');
    const chunks: string[] = [];
    for (let i = 0; i < body.length; i += 65_536) {
      const part = body.slice(i, i + 65_536);
      chunks.push(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
    }
    return `${lines.join('\r\n')}\r\n\r\n${chunks.join('')}0\r\n\r\n`;
  }
  if (r.body !== undefined || r.method !== 'GET') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A keep-alive connection: send a request, read exactly its response (Content-Length or chunked). */
export class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private ended = false;
  readonly socket: net.Socket;

  private constructor(
    socket: net.Socket,
    private readonly host: string,
  ) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawConnection(socket, `${host}:${port}`)));
      socket.once('error', reject);
    });
  }

  /** True once the server closed its side (after a `Connection: close` answer, for instance). */
  get closed(): boolean {
    return this.ended;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private async need(predicate: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.ended)
        throw new Error(`connection closed; received so far: ${this.buffer.toString().slice(0, 200)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Writes a request without waiting for its answer (pipelining). */
  send(r: RawRequest): void {
    this.socket.write(encodeRequest(r, this.host));
  }

  async exchange(r: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
    this.send(r);
    return this.read(timeoutMs);
  }

  async read(timeoutMs = 15_000): Promise<RawResponse> {
    let parsed: { response: RawResponse; used: number } | undefined;
    await this.need(() => (parsed = parseResponse(this.buffer)) !== undefined, timeoutMs);
    const { response, used } = parsed as unknown as { response: RawResponse; used: number };
    this.buffer = this.buffer.subarray(used);
    return response;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One request on a fresh connection, sent exactly as given (no normalisation of the target). */
export async function rawRequest(port: number, r: RawRequest): Promise<RawResponse> {
  const c = await RawConnection.open(port);
  try {
    return await c.exchange({ ...r, headers: { Connection: 'close', ...r.headers } });
  } finally {
    c.close();
  }
}

/** One complete response at the start of `buf` (Content-Length or chunked), or undefined if incomplete. */
function parseResponse(buf: Buffer): { response: RawResponse; used: number } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...headerLines] = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let at = headEnd + 4;
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
      if (buf.length < eol + 2 + size + 2) return undefined;
      if (size === 0)
        return { response: { status, headers, body: Buffer.concat(parts).toString() }, used: eol + 4 };
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buf.length < at + length) return undefined;
  return { response: { status, headers, body: buf.subarray(at, at + length).toString() }, used: at + length };
}
