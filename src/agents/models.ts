import type { Config } from '../config';
import type { Models } from './model';
import { createAzureOpenAIModel, createOpenAICompatibleModel } from './openai-model';
import { scriptedModel } from './scripted-model';

export type ModelSettings = Pick<
  Config,
  | 'AZURE_OPENAI_ENDPOINT'
  | 'AZURE_OPENAI_DEPLOYMENT'
  | 'AZURE_OPENAI_SECONDARY_DEPLOYMENT'
  | 'AZURE_OPENAI_API_VERSION'
  | 'AZURE_OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_API_KEY'
  | 'OPENAI_MODEL'
  | 'SCRIPTED_MODEL_LATENCY_MS'
>;

/**
 * The models a deployment uses, chosen from settings: Azure OpenAI when AZURE_OPENAI_ENDPOINT is set
 * (with AZURE_OPENAI_SECONDARY_DEPLOYMENT as the fallback), else an OpenAI-compatible endpoint when
 * OPENAI_BASE_URL is set, else the scripted offline model. The scripted model is never a silent
 * fallback for a real one: an outage gives degraded findings, not invented ones.
 */
export function createModels(
  cfg: ModelSettings,
): Models & { kind: 'azure' | 'openai-compatible' | 'scripted' } {
  if (cfg.AZURE_OPENAI_ENDPOINT) {
    const azure = (deployment: string) =>
      createAzureOpenAIModel({
        endpoint: cfg.AZURE_OPENAI_ENDPOINT!,
        deployment,
        apiVersion: cfg.AZURE_OPENAI_API_VERSION,
        ...(cfg.AZURE_OPENAI_API_KEY ? { apiKey: cfg.AZURE_OPENAI_API_KEY } : {}),
      });
    return {
      kind: 'azure',
      primary: azure(cfg.AZURE_OPENAI_DEPLOYMENT),
      ...(cfg.AZURE_OPENAI_SECONDARY_DEPLOYMENT
        ? { secondary: azure(cfg.AZURE_OPENAI_SECONDARY_DEPLOYMENT) }
        : {}),
    };
  }
  if (cfg.OPENAI_BASE_URL) {
    return {
      kind: 'openai-compatible',
      primary: createOpenAICompatibleModel({
        baseURL: cfg.OPENAI_BASE_URL,
        model: cfg.OPENAI_MODEL,
        ...(cfg.OPENAI_API_KEY ? { apiKey: cfg.OPENAI_API_KEY } : {}),
      }),
    };
  }
  return { kind: 'scripted', primary: scriptedModel({ latencyMs: cfg.SCRIPTED_MODEL_LATENCY_MS }) };
}
