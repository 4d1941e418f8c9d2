import { describe, expect, it } from 'vitest';
import { configCheck, healthReport, modelCheck } from '../../../src/api/health';
import { loadConfig } from '../../../src/config';

describe('health checks', () => {
  it('reports an invalid setting by name', () => {
    const { check, config } = configCheck({ RISK_THRESHOLD: '2' });
    expect(config).toBeUndefined();
    expect(check).toMatchObject({
      name: 'config',
      ok: false,
      detail: expect.stringContaining('RISK_THRESHOLD'),
    });
  });

  it('names the model mode and endpoint host, never a key', () => {
    const azure = modelCheck(
      loadConfig({
        AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com/',
        AZURE_OPENAI_API_KEY: 'sk-secret',
      }),
    );
    expect(azure).toMatchObject({
      mode: 'azure-openai',
      endpointHost: 'contoso.openai.azure.com',
      auth: 'api-key',
    });
    expect(JSON.stringify(azure)).not.toContain('sk-secret');
    expect(modelCheck(loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' }))).toMatchObject({
      auth: 'managed-identity',
    });
    expect(
      modelCheck(loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_API_KEY: 'k' })),
    ).toMatchObject({ mode: 'openai' });
    expect(modelCheck(loadConfig({}))).toMatchObject({ mode: 'scripted', ok: true });
  });

  it('is healthy only when every check is', () => {
    const ok = { name: 'config' as const, ok: true, detail: '' };
    expect(healthReport([ok, { ...ok, name: 'durable' }], 't').status).toBe('healthy');
    expect(healthReport([ok, { ...ok, name: 'durable', ok: false }], 't').status).toBe('degraded');
  });
});
