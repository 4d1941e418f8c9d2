import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { RawConnection } from '../support/raw-http';
import { CLEAN, KEY, startApi } from './support';

let host: OfflineHost;
let port: number;
beforeAll(async () => {
  host = await startApi();
  port = Number(new URL(host.baseUrl).port);
});
afterAll(() => host?.stop());

const json = { 'x-functions-key': KEY, 'Content-Type': 'application/json' };
const event = (i: number) => ({
  type: 'login',
  customerId: CLEAN,
  timestamp: new Date(Date.UTC(2026, 10, 20, 8, 0, i)).toISOString(),
  country: 'US',
  ip: '10.0.0.1',
  success: true,
});
/** Bodies just over the app's limits: telemetry 1 MB (TELEMETRY_MAX_BYTES), decision 16 KB. */
const bigTelemetry = JSON.stringify({ events: [{ ...event(0), note: 'x'.repeat(2_000_000) }] });
const bigDecision = JSON.stringify({ decision: 'reject', round: 1, feedback: 'x'.repeat(20_000) });

describe('a request after a 413 on the same keep-alive connection', () => {
  it('gets its own proper answer, whether the refused body came with Content-Length or chunked', async () => {
    const conn = await RawConnection.open(port);
    try {
      for (let i = 0; i < 12; i++) {
        const chunked = i % 2 === 1;
        // Pipelined: the next request is on the wire before the refusal comes back.
        conn.send({ method: 'POST', target: '/api/telemetry', headers: json, body: bigTelemetry, chunked });
        conn.send({
          method: 'POST',
          target: '/api/telemetry',
          headers: json,
          body: JSON.stringify({ events: [event(i + 1)] }),
        });
        const refused = await conn.read();
        expect(refused.status, refused.body).toBe(413);
        expect(JSON.parse(refused.body)).toMatchObject({ error: expect.stringContaining('exceeds') });
        const next = await conn.read();
        expect(next.status, next.body).toBe(202);
        expect(JSON.parse(next.body)).toMatchObject({ accepted: 1 });

        conn.send({
          method: 'POST',
          target: '/api/cases/case-none/decision',
          headers: json,
          body: bigDecision,
          chunked,
        });
        conn.send({
          method: 'POST',
          target: '/api/cases/case-none/decision',
          headers: json,
          body: JSON.stringify({ decision: 'approve', action: 'lock_account', round: 1 }),
        });
        const decisionRefused = await conn.read();
        expect(decisionRefused.status, decisionRefused.body).toBe(413);
        const decision = await conn.read();
        expect(decision.status, decision.body).toBe(404);
      }
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });

  it('closes the connection deliberately after the host refuses a body over its own 100 MB limit', async () => {
    const conn = await RawConnection.open(port);
    try {
      conn.socket.write(
        `POST /api/telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: ${KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024 + 1}\r\n\r\n{"events":[`,
      );
      const refused = await conn.read();
      expect(refused.status).toBe(413);
      expect(refused.headers['connection']).toBe('close');
      await new Promise((r) => setTimeout(r, 50));
      expect(conn.closed).toBe(true);
    } finally {
      conn.close();
    }
  });
});
