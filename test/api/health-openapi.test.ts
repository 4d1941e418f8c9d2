import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { HealthSchema } from '../../src/api/openapi';
import { call, startApi } from './support';

let host: OfflineHost;
beforeAll(async () => {
  host = await startApi({ AZURE_OPENAI_API_KEY: 'sk-never-shown' });
});
afterAll(() => host?.stop());

describe('GET /api/health', () => {
  it('is anonymous and reports config, model and durable backend checks', async () => {
    const r = await call(host, 'GET', '/api/health', { key: false });
    expect(r.status, r.text).toBe(200);
    HealthSchema.parse(r.json);
    expect(r.json.status).toBe('healthy');
    expect(r.json.checks.map((c: { name: string }) => c.name)).toEqual(['config', 'model', 'durable']);
    expect(r.json.checks.find((c: { name: string }) => c.name === 'model')).toMatchObject({
      mode: 'scripted',
    });
    expect(r.text).not.toContain('sk-never-shown');
  });

  it('answers 503 naming the bad setting when the configuration is invalid', async () => {
    const saved = process.env.RISK_THRESHOLD;
    // The host applies env to this process; change it after start, as an operator editing app settings would.
    process.env.RISK_THRESHOLD = '7';
    try {
      const r = await call(host, 'GET', '/api/health', { key: false });
      expect(r.status).toBe(503);
      expect(r.json.status).toBe('degraded');
      expect(r.json.checks[0]).toMatchObject({
        name: 'config',
        ok: false,
        detail: expect.stringContaining('RISK_THRESHOLD'),
      });
    } finally {
      if (saved === undefined) delete process.env.RISK_THRESHOLD;
      else process.env.RISK_THRESHOLD = saved;
    }
  });
});

describe('GET /api/openapi.json', () => {
  it('is anonymous and describes every HTTP route the host registered', async () => {
    const r = await call(host, 'GET', '/api/openapi.json', { key: false });
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    const http = host.functions.filter((f) => f.trigger === 'httpTrigger');
    expect(http.length).toBeGreaterThanOrEqual(8);
    for (const f of http) {
      const path = `/${(f.route ?? f.name).replace(/^\/+/, '')}`;
      for (const m of f.methods ?? ['GET']) {
        expect(r.json.paths[path]?.[m.toLowerCase()], `${m} /api${path} (${f.name})`).toBeDefined();
      }
    }
  });
});

describe('keys', () => {
  it.each([
    ['POST', '/api/telemetry'],
    ['POST', '/api/cases'],
    ['GET', '/api/cases'],
    ['GET', '/api/cases/case-x'],
    ['POST', '/api/cases/case-x/decision'],
    ['GET', '/api/stream'],
  ])('%s %s needs the function key', async (method, path) => {
    const body = method === 'POST' ? { events: [] } : undefined;
    expect((await call(host, method, path, { key: false, body })).status).toBe(401);
    expect((await call(host, method, path, { key: 'wrong-key', body })).status).toBe(401);
  });

  it('accepts the key as ?code= too', async () => {
    expect((await call(host, 'GET', `/api/cases?code=${host.functionKey}`, { key: false })).status).toBe(200);
  });
});
