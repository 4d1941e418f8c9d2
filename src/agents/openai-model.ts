import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import type { ContentFilterResultsForChoiceOutput } from '@azure/openai/types';
import { APIConnectionError, APIError, APIUserAbortError, AzureOpenAI, OpenAI } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { ModelError, type ChatMessage, type ChatModel, type ChatRequest, type ChatResponse } from './model';

export const AZURE_COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';

interface ClientLimits {
  /** Per-request timeout; a timed-out call counts as retryable (fallback-worthy). Default 60 s. */
  timeoutMs?: number;
  /** SDK retries before the error surfaces (and the secondary takes over). Default 1. */
  maxRetries?: number;
}

export interface AzureOpenAIModelOptions extends ClientLimits {
  endpoint: string;
  deployment: string;
  apiVersion: string;
  /** When absent, Microsoft Entra ID (managed identity, az login, …) authenticates. */
  apiKey?: string;
  /** Overrides the Entra token provider (tests, or a credential other than DefaultAzureCredential). */
  azureADTokenProvider?: () => Promise<string>;
}

export interface OpenAICompatibleModelOptions extends ClientLimits {
  baseURL: string;
  model: string;
  /** Local servers (Ollama, vLLM, LM Studio) usually accept any key; the SDK insists on one. */
  apiKey?: string;
}

/** Azure OpenAI through the openai SDK's AzureOpenAI client; key optional (Entra ID otherwise). */
export function createAzureOpenAIModel(opts: AzureOpenAIModelOptions): ChatModel {
  const auth = opts.apiKey
    ? { apiKey: opts.apiKey }
    : {
        azureADTokenProvider:
          opts.azureADTokenProvider ??
          getBearerTokenProvider(new DefaultAzureCredential(), AZURE_COGNITIVE_SCOPE),
      };
  const client = new AzureOpenAI({
    endpoint: opts.endpoint,
    deployment: opts.deployment,
    apiVersion: opts.apiVersion,
    timeout: opts.timeoutMs ?? 60_000,
    maxRetries: opts.maxRetries ?? 1,
    ...auth,
  });
  // Azure routes by deployment; the model field is still required by the wire format.
  return new OpenAIChatModel(client, opts.deployment, 'max_completion_tokens');
}

/** Any endpoint speaking the OpenAI chat-completions wire format. */
export function createOpenAICompatibleModel(opts: OpenAICompatibleModelOptions): ChatModel {
  const client = new OpenAI({
    baseURL: opts.baseURL,
    apiKey: opts.apiKey ?? 'not-needed',
    timeout: opts.timeoutMs ?? 60_000,
    maxRetries: opts.maxRetries ?? 1,
  });
  // Most compatible servers know max_tokens; fewer know max_completion_tokens.
  return new OpenAIChatModel(client, opts.model, 'max_tokens');
}

class OpenAIChatModel implements ChatModel {
  constructor(
    private readonly client: OpenAI,
    readonly name: string,
    private readonly tokenLimitParam: 'max_tokens' | 'max_completion_tokens',
  ) {}

  async complete(req: ChatRequest): Promise<ChatResponse> {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.name,
      messages: req.messages.map(toWire),
      ...(req.tools.length > 0
        ? {
            tools: req.tools.map((t) => ({
              type: 'function' as const,
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
          }
        : {}),
      // Reasoning models (o-series) reject any temperature but the default.
      ...(req.temperature !== undefined && !/^o\d/.test(this.name) ? { temperature: req.temperature } : {}),
      ...(req.maxTokens !== undefined ? { [this.tokenLimitParam]: req.maxTokens } : {}),
    };
    let completion: ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(body, { signal: req.signal });
    } catch (err) {
      throw toModelError(this.name, err);
    }
    const choice = completion.choices[0];
    if (!choice) throw new ModelError(`${this.name}: the response had no choices`, true);
    if (choice.finish_reason === 'content_filter') {
      // Azure's companion types describe which filter fired; the same prompt would fire it again.
      const filters = (choice as { content_filter_results?: ContentFilterResultsForChoiceOutput })
        .content_filter_results;
      const fired = Object.entries(filters ?? {})
        .filter(([, v]) => typeof v === 'object' && v !== null && 'filtered' in v && v.filtered)
        .map(([k]) => k);
      throw new ModelError(
        `${this.name}: content filter stopped the answer (${fired.join(', ') || 'unspecified'})`,
        false,
      );
    }
    const toolCalls = (choice.message.tool_calls ?? []).flatMap((c) =>
      c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
    );
    return {
      message: {
        ...(choice.message.content ? { content: choice.message.content } : {}),
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
      },
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
      model: completion.model || this.name,
    };
  }
}

function toWire(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content ?? null,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

/** Classifies SDK errors: timeouts, network, 408/409/429 and 5xx are worth a second model. */
export function toModelError(model: string, err: unknown): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof APIUserAbortError)
    return new ModelError(`${model}: aborted`, false, undefined, { cause: err });
  if (err instanceof APIConnectionError)
    return new ModelError(`${model}: ${err.message || 'connection failed'}`, true, undefined, { cause: err });
  if (err instanceof APIError) {
    const status = err.status;
    const retryable =
      status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
    return new ModelError(`${model}: HTTP ${status ?? '?'} ${err.message}`.slice(0, 500), retryable, status, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ModelError(`${model}: ${message}`, true, undefined, { cause: err });
}
