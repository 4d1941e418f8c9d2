import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for the bank's core system at the true edge: counts action deliveries per idempotency key,
 * so the demo can show that a retried or recovered action reached the outside world under one key.
 */
export async function startWebhookReceiver() {
  const deliveries = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const key = String(req.headers['idempotency-key'] ?? 'none');
    req.resume();
    req.on('end', () => {
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/actions`,
    deliveries,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
