/**
 * The ChatModel port: the one shape every model (Azure OpenAI, OpenAI-compatible, scripted) speaks.
 * Messages follow the OpenAI chat format so the real adapters are a thin mapping.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text exactly as the model produced it; the loop parses and validates it. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content?: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

/** A tool offered to the model: name, description and a JSON schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Set on a response the secondary model produced because the primary failed. */
export interface FallbackInfo {
  from: string;
  to: string;
  reason: string;
}

export interface ChatResponse {
  message: { content?: string; toolCalls?: ToolCall[] };
  usage: ModelUsage;
  /** The model that answered (what the price table is keyed by). */
  model: string;
  fallback?: FallbackInfo;
}

export interface ChatModel {
  /** Deployment or model name, for logs and fallback records. */
  readonly name: string;
  complete(req: ChatRequest): Promise<ChatResponse>;
}

/** The models a case may use. The secondary, when present, takes over when the primary fails. */
export interface Models {
  primary: ChatModel;
  secondary?: ChatModel;
}

/**
 * A model call that failed. `retryable` marks failures worth a second model (timeouts, 429, 5xx,
 * network); a 400 or an abort by the caller is not.
 */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRetryableModelError(err: unknown): boolean {
  if (err instanceof ModelError) return err.retryable;
  // Unknown failures (a bug in an adapter, a dropped socket surfacing as TypeError) get the benefit of
  // the doubt: the secondary model is cheap insurance.
  return !(err instanceof Error && err.name === 'AbortError');
}

/**
 * Wraps two models: a retryable failure of the primary sends the same request to the secondary and
 * marks the response with `fallback`. Non-retryable errors (bad request, caller abort) propagate.
 */
export function withFallback(primary: ChatModel, secondary: ChatModel): ChatModel {
  return {
    name: `${primary.name}|${secondary.name}`,
    async complete(req) {
      try {
        return await primary.complete(req);
      } catch (err) {
        if (req.signal?.aborted || !isRetryableModelError(err)) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        const res = await secondary.complete(req);
        return { ...res, fallback: { from: primary.name, to: secondary.name, reason: reason.slice(0, 300) } };
      }
    },
  };
}

/** The model an agent should call: the primary, guarded by the secondary when one is configured. */
export function modelFor(models: Models): ChatModel {
  return models.secondary ? withFallback(models.primary, models.secondary) : models.primary;
}
