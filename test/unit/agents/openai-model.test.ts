import { afterEach, describe, expect, it } from 'vitest';
import { ModelError, withFallback, type ChatRequest } from '../../../src/agents/model';
import { createModels } from '../../../src/agents/models';
import { createAzureOpenAIModel, createOpenAICompatibleModel } from '../../../src/agents/openai-model';
import { loadConfig } from '../../../src/config';
import { startFakeOpenAI, type FakeReply } from './support/fake-openai-server';

const servers: Array<{ close: () => Promise<void> }> = [];
async function fake(replies: FakeReply[]) {
  const s = await startFakeOpenAI(replies);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'ROLE: location specialist' },
    { role: 'user', content: 'Investigate C007' },
    {
      role: 'assistant',
      toolCalls: [{ id: 'call_1', name: 'get_security_logs', arguments: '{"customer_id":"C007"}' }],
    },
    {
      role: 'tool',
      toolCallId: 'call_1',
      name: 'get_security_logs',
      content: '<data name="tool_result:get_security_logs">\n{}\n</data>',
    },
  ],
  tools: [
    {
      name: 'get_security_logs',
      description: 'logs',
      parameters: { type: 'object', properties: { customer_id: { type: 'string' } } },
    },
  ],
  temperature: 0,
  maxTokens: 300,
};

describe('OpenAI-compatible adapter (real SDK, real HTTP)', () => {
  it('sends OpenAI-shaped messages and tools, and maps tool calls and usage back', async () => {
    const server = await fake([
      {
        kind: 'completion',
        toolCalls: [
          { id: 'call_2', name: 'get_security_logs', arguments: '{"customer_id":"C007","limit":100}' },
        ],
        usage: { prompt: 1234, completion: 56 },
      },
    ]);
    const model = createOpenAICompatibleModel({
      baseURL: `${server.url}/v1`,
      model: 'gpt-4.1-mini',
      maxRetries: 0,
    });

    const res = await model.complete(request);

    expect(res).toEqual({
      message: {
        toolCalls: [
          { id: 'call_2', name: 'get_security_logs', arguments: '{"customer_id":"C007","limit":100}' },
        ],
      },
      usage: { inputTokens: 1234, outputTokens: 56 },
      model: 'gpt-4.1-mini',
    });
    const sent = server.requests[0]!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({
      model: 'gpt-4.1-mini',
      temperature: 0,
      max_tokens: 300,
      tools: [{ type: 'function', function: { name: 'get_security_logs', description: 'logs' } }],
      messages: [
        { role: 'system', content: 'ROLE: location specialist' },
        { role: 'user', content: 'Investigate C007' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_security_logs' } }],
        },
        { role: 'tool', tool_call_id: 'call_1' },
      ],
    });
  });

  it('reports a 400 as a non-retryable ModelError (no fallback for a bad request)', async () => {
    const server = await fake([{ kind: 'error', status: 400, message: 'bad tools' }]);
    const model = createOpenAICompatibleModel({ baseURL: server.url, model: 'gpt-4o', maxRetries: 0 });
    const err = await model.complete(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ retryable: false, status: 400 });
  });

  it('stops on a content filter with which filter fired', async () => {
    const server = await fake([{ kind: 'completion', content: '', finishReason: 'content_filter' }]);
    const model = createOpenAICompatibleModel({ baseURL: server.url, model: 'gpt-4o', maxRetries: 0 });
    await expect(model.complete(request)).rejects.toThrow(/content filter stopped the answer \(violence\)/);
  });
});

describe('Azure OpenAI adapter (real SDK, real HTTP)', () => {
  it('calls the deployment route with the api-version and the api key when one is configured', async () => {
    const server = await fake([
      { kind: 'completion', content: '{"riskScore":0.1}', model: 'gpt-4o-mini-2024-07-18' },
    ]);
    const model = createAzureOpenAIModel({
      endpoint: server.url,
      deployment: 'fraud-mini',
      apiVersion: '2024-10-21',
      apiKey: 'k-123',
      maxRetries: 0,
    });

    const res = await model.complete(request);

    expect(res.message).toEqual({ content: '{"riskScore":0.1}' });
    expect(res.model).toBe('gpt-4o-mini-2024-07-18'); // priced by the model, not the deployment name
    const sent = server.requests[0]!;
    expect(sent.url).toBe('/openai/deployments/fraud-mini/chat/completions?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe('k-123');
    expect(sent.body.max_completion_tokens).toBe(300);
  });

  it('authenticates with a Microsoft Entra bearer token when no key is configured', async () => {
    const server = await fake([{ kind: 'completion', content: 'ok' }]);
    let asked = 0;
    const model = createAzureOpenAIModel({
      endpoint: server.url,
      deployment: 'fraud',
      apiVersion: '2024-10-21',
      azureADTokenProvider: () => Promise.resolve(`entra-token-${++asked}`),
      maxRetries: 0,
    });
    await model.complete(request);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer entra-token-1');
    expect(server.requests[0]!.headers['api-key']).toBeUndefined();
  });
});

describe('primary/secondary fallback', () => {
  it('answers from the secondary when the primary returns 500, and records the fallback', async () => {
    const primary = await fake([{ kind: 'error', status: 500, message: 'upstream exploded' }]);
    const secondary = await fake([{ kind: 'completion', content: 'from secondary', model: 'gpt-4o-mini' }]);
    const model = withFallback(
      createAzureOpenAIModel({
        endpoint: primary.url,
        deployment: 'gpt-4o',
        apiVersion: '2024-10-21',
        apiKey: 'k',
        maxRetries: 0,
      }),
      createAzureOpenAIModel({
        endpoint: secondary.url,
        deployment: 'gpt-4o-mini',
        apiVersion: '2024-10-21',
        apiKey: 'k',
        maxRetries: 0,
      }),
    );

    const res = await model.complete(request);

    expect(res.message.content).toBe('from secondary');
    expect(res.model).toBe('gpt-4o-mini');
    expect(res.fallback).toMatchObject({
      from: 'gpt-4o',
      to: 'gpt-4o-mini',
      reason: expect.stringContaining('500'),
    });
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(1);
  });

  it.each([
    ['429', { kind: 'error', status: 429 } as FakeReply],
    ['a timeout', { kind: 'stall', ms: 2_000 } as FakeReply],
  ])('falls back on %s', async (_label, reply) => {
    const primary = await fake([reply]);
    const secondary = await fake([{ kind: 'completion', content: 'ok' }]);
    const model = withFallback(
      createOpenAICompatibleModel({ baseURL: primary.url, model: 'gpt-4o', maxRetries: 0, timeoutMs: 300 }),
      createOpenAICompatibleModel({ baseURL: secondary.url, model: 'gpt-4o-mini', maxRetries: 0 }),
    );
    const res = await model.complete(request);
    expect(res.fallback?.from).toBe('gpt-4o');
    expect(res.message.content).toBe('ok');
  });

  it('falls back when the primary endpoint is unreachable', async () => {
    const dead = await fake([{ kind: 'completion', content: 'never' }]);
    const deadUrl = dead.url;
    await dead.close();
    servers.pop();
    const secondary = await fake([{ kind: 'completion', content: 'ok' }]);
    const model = withFallback(
      createOpenAICompatibleModel({ baseURL: deadUrl, model: 'gpt-4o', maxRetries: 0 }),
      createOpenAICompatibleModel({ baseURL: secondary.url, model: 'gpt-4o-mini', maxRetries: 0 }),
    );
    expect((await model.complete(request)).fallback?.reason).toMatch(/gpt-4o: /);
  });

  it('does not fall back on a bad request: the secondary would reject it too', async () => {
    const primary = await fake([{ kind: 'error', status: 400 }]);
    const secondary = await fake([{ kind: 'completion', content: 'ok' }]);
    const model = withFallback(
      createOpenAICompatibleModel({ baseURL: primary.url, model: 'gpt-4o', maxRetries: 0 }),
      createOpenAICompatibleModel({ baseURL: secondary.url, model: 'gpt-4o-mini', maxRetries: 0 }),
    );
    await expect(model.complete(request)).rejects.toMatchObject({ status: 400 });
    expect(secondary.requests).toHaveLength(0);
  });
});

describe('createModels', () => {
  it('uses the scripted model when no endpoint is configured', () => {
    const m = createModels(loadConfig({}));
    expect(m.kind).toBe('scripted');
    expect(m.primary.name).toBe('scripted');
    expect(m.secondary).toBeUndefined();
  });

  it('uses Azure OpenAI with its secondary deployment when AZURE_OPENAI_ENDPOINT is set', () => {
    const m = createModels(
      loadConfig({
        AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com',
        AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1',
        AZURE_OPENAI_SECONDARY_DEPLOYMENT: 'gpt-4.1-mini',
        AZURE_OPENAI_API_KEY: 'k',
        OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      }),
    );
    expect(m.kind).toBe('azure');
    expect([m.primary.name, m.secondary?.name]).toEqual(['gpt-4.1', 'gpt-4.1-mini']);
  });

  it('uses an OpenAI-compatible endpoint when only OPENAI_BASE_URL is set', () => {
    const m = createModels(
      loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3.1' }),
    );
    expect(m.kind).toBe('openai-compatible');
    expect(m.primary.name).toBe('llama3.1');
  });
});
