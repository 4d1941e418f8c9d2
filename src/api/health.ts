import { loadConfig, type Config } from '../config';

export interface HealthCheck {
  name: 'config' | 'model' | 'durable';
  ok: boolean;
  detail: string;
  [extra: string]: unknown;
}

export interface HealthReport {
  status: 'healthy' | 'degraded';
  checks: HealthCheck[];
  at: string;
}

/** Validates the settings without caching them, so a fixed setting shows up without a restart. */
export function configCheck(env: NodeJS.ProcessEnv = process.env): { check: HealthCheck; config?: Config } {
  try {
    const cfg = loadConfig(env);
    return { check: { name: 'config', ok: true, detail: 'all settings valid' }, config: cfg };
  } catch (err) {
    return { check: { name: 'config', ok: false, detail: err instanceof Error ? err.message : String(err) } };
  }
}

/** Which model the agents use. Names endpoints' hosts and deployments, never keys. */
export function modelCheck(cfg: Config | undefined): HealthCheck {
  if (!cfg) return { name: 'model', ok: false, detail: 'unknown: configuration invalid' };
  if (cfg.AZURE_OPENAI_ENDPOINT) {
    return {
      name: 'model',
      ok: true,
      detail: 'Azure OpenAI',
      mode: 'azure-openai',
      endpointHost: new URL(cfg.AZURE_OPENAI_ENDPOINT).host,
      deployment: cfg.AZURE_OPENAI_DEPLOYMENT,
      fallbackDeployment: cfg.AZURE_OPENAI_SECONDARY_DEPLOYMENT ?? null,
      auth: cfg.AZURE_OPENAI_API_KEY ? 'api-key' : 'managed-identity',
    };
  }
  if (cfg.OPENAI_BASE_URL) {
    return {
      name: 'model',
      ok: true,
      detail: 'OpenAI-compatible endpoint',
      mode: 'openai',
      endpointHost: new URL(cfg.OPENAI_BASE_URL).host,
      model: cfg.OPENAI_MODEL,
    };
  }
  return {
    name: 'model',
    ok: true,
    detail: 'scripted offline model (no model endpoint configured)',
    mode: 'scripted',
  };
}

export function healthReport(checks: HealthCheck[], at: string): HealthReport {
  return { status: checks.every((c) => c.ok) ? 'healthy' : 'degraded', checks, at };
}
