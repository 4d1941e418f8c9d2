import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { connect, contentOf, MCP_KEY, sessionOf, startFixture, textOf, type Connected } from './support';

/**
 * What the MCP extension lists, what it hands the function, and how it reads the function's return value
 * (sources: McpToolTriggerBinding, PropertyBasedToolInputSchema, ToolReturnValueBinder, the resource and
 * prompt bindings and binders of Azure/azure-functions-mcp-extension), checked through the SDK client
 * against functions written with @azure/functions (test/mcp/fixtures/everything).
 */
let host: OfflineHost;
let streamable: Connected;
const logs: string[] = [];
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

beforeAll(async () => {
  host = await startFixture('everything', (line) => logs.push(line));
  streamable = await connect(host.mcpUrl!, 'streamable', {
    'x-functions-key': MCP_KEY,
    'X-Analyst-Note': 'Case',
  });
});
afterAll(async () => {
  await streamable?.client.close();
  await host?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- echoed payloads are asserted field by field
const echoed = async (c: Connected, args: Record<string, unknown>): Promise<any> =>
  JSON.parse(textOf(await c.client.callTool({ name: 'echo', arguments: args })));

describe('tools/list: tool properties as the extension maps them', () => {
  it('maps each property type, arrays and required flags, keeping descriptions, and always writes required', async () => {
    const { tools } = await streamable.client.listTools();
    const echo = tools.find((t) => t.name === 'echo')!;
    expect(echo.inputSchema).toEqual({
      type: 'object',
      properties: {
        text: { type: 'string', description: 'Some text' },
        count: { type: 'integer', description: 'A whole number' },
        ratio: { type: 'number', description: 'A number' },
        flag: { type: 'boolean', description: 'A flag' },
        options: { type: 'object', description: 'An object' },
        tags: { type: 'array', items: { type: 'string' }, description: 'Tags' },
        when: { type: 'string', description: 'A time' },
      },
      required: ['text'],
    });
    expect(tools.find((t) => t.name === 'no_properties')!.inputSchema).toEqual({
      type: 'object',
      properties: {},
      required: [],
    });
  });

  it('takes the array form with enum values, skips unnamed properties and defaults descriptions to ""', async () => {
    const { tools } = await streamable.client.listTools();
    expect(tools.find((t) => t.name === 'array_properties')!.inputSchema).toEqual({
      type: 'object',
      properties: {
        level: { type: 'string', enum: ['low', 'high'], description: 'Risk level' },
        ids: { type: 'array', items: { type: 'integer' }, description: '' },
      },
      required: ['level'],
    });
  });

  it('publishes the metadata JSON as _meta (how an MCP App tool points at its ui:// resource)', async () => {
    const { tools } = await streamable.client.listTools();
    expect(tools.find((t) => t.name === 'echo')!._meta).toEqual({
      ui: { resourceUri: 'ui://fixture/app.html' },
      owner: 'tests',
    });
    expect(tools.find((t) => t.name === 'test_simple_text')!._meta).toBeUndefined();
  });

  it('refuses a call missing a required argument, and an unknown tool, with InvalidParams', async () => {
    await expect(streamable.client.callTool({ name: 'echo', arguments: { count: 1 } })).rejects.toMatchObject(
      {
        code: -32602,
        message: expect.stringContaining(
          'One or more required tool properties are missing values. Please provide: text',
        ),
      },
    );
    await expect(
      streamable.client.callTool({ name: 'echo', arguments: { text: null } }),
    ).rejects.toMatchObject({
      code: -32602,
    });
    await expect(streamable.client.callTool({ name: 'nope' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("Unknown tool: 'nope'"),
    });
  });

  it('finds a tool whatever the case of its name', async () => {
    expect(textOf(await streamable.client.callTool({ name: 'TEST_SIMPLE_TEXT' }))).toContain('simple text');
  });
});

describe('the trigger payload a tool function receives', () => {
  it('gets the invocation context as its input: name, arguments as sent, session id, transport headers', async () => {
    const { input } = await echoed(streamable, {
      text: 'hi',
      count: 3,
      flag: true,
      options: { a: [1] },
      tags: ['x'],
    });
    const session = sessionOf(streamable);
    expect(input).toMatchObject({
      name: 'echo',
      arguments: { text: 'hi', count: 3, flag: true, options: { a: [1] }, tags: ['x'] },
      sessionid: session,
      transport: { name: 'http-streamable', sessionId: session },
    });
    // Every request header, with the name as the client sent it (the extension copies them all).
    expect(input.transport.properties.headers['X-Analyst-Note']).toBe('Case');
    expect(input.transport.properties.headers['mcp-session-id']).toBe(session);
    // No client info on a stateless Streamable HTTP server: initialize ran on another request.
    expect(input.clientinfo).toBeUndefined();
  });

  it('gets mcptoolargs with every value as .NET JsonElement.ToString() gives it, and mcpsessionid', async () => {
    const { triggerMetadata } = await echoed(streamable, {
      text: 'hi',
      count: 3,
      flag: true,
      options: { a: [1] },
      tags: ['x'],
    });
    expect(triggerMetadata.mcptoolargs).toEqual({
      text: 'hi',
      count: '3',
      flag: 'True',
      options: '{"a":[1]}',
      tags: '["x"]',
    });
    expect(triggerMetadata.mcpsessionid).toBe(sessionOf(streamable));
    expect(triggerMetadata.mcptoolcontext).toMatchObject({
      name: 'echo',
      transport: { name: 'http-streamable' },
    });
  });

  it('over SSE: transport http-sse, no session id, the client info from initialize, the GET request headers', async () => {
    const sse = await connect(
      host.mcpUrl!,
      'sse',
      { 'x-functions-key': MCP_KEY, 'X-Analyst-Note': 'Sse' },
      'sse-client',
    );
    try {
      const { input, triggerMetadata } = await echoed(sse, { text: 'over sse' });
      expect(input.transport.name).toBe('http-sse');
      expect(input.sessionid).toBeUndefined();
      expect(triggerMetadata.mcpsessionid).toBeUndefined();
      expect(input.clientinfo).toMatchObject({ name: 'sse-client', version: '1.2.3' });
      expect(input.transport.properties.headers['X-Analyst-Note']).toBe('Sse');
    } finally {
      await sse.client.close();
    }
  });

  it('can use other bindings: a durable client input starts an orchestration', async () => {
    const id = textOf(
      await streamable.client.callTool({ name: 'durable_start', arguments: { name: 'Ada' } }),
    );
    const status = await host.waitForStatus(id, ['Completed']);
    expect(status.output).toBe('Hello, Ada');
  });
});

describe('tool results as the extension reads them', () => {
  const call = (name: string) => streamable.client.callTool({ name });

  it('a string is one text block', async () => {
    expect(await call('test_simple_text')).toEqual({
      content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
    });
  });

  it('image, audio (Buffer base64-encoded), embedded resource, resource link and mixed content', async () => {
    expect(contentOf(await call('test_image_content'))).toEqual([
      { type: 'image', data: PNG, mimeType: 'image/png' },
    ]);
    expect(contentOf(await call('test_audio_content'))).toEqual([
      expect.objectContaining({
        type: 'audio',
        mimeType: 'audio/wav',
        data: expect.stringMatching(/^UklGR/),
      }),
    ]);
    expect(contentOf(await call('test_embedded_resource'))).toEqual([
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ]);
    expect(contentOf(await call('resource_link'))).toEqual([
      { type: 'resource_link', uri: 'test://static-text', name: 'Static text', mimeType: 'text/plain' },
    ]);
    expect(contentOf(await call('test_multiple_content_types')).map((b) => b.type)).toEqual([
      'text',
      'image',
      'resource',
    ]);
  });

  it('structured content: with a synthesized text block, and from a class marked McpContent', async () => {
    expect(await call('structured')).toEqual({
      content: [
        { type: 'image', data: PNG, mimeType: 'image/png' },
        { type: 'text', text: '{"imageId":"logo","format":"png"}' },
      ],
      structuredContent: { imageId: 'logo', format: 'png' },
    });
    expect(await call('marked_object')).toEqual({
      content: [{ type: 'text', text: '{"cases":3,"open":1}' }],
      structuredContent: { cases: 3, open: 1 },
    });
    expect(await call('plain_object')).toEqual({ content: [{ type: 'text', text: '{"cases":3}' }] });
  });

  it('nothing returned is empty content', async () => {
    expect(await call('no_properties')).toEqual({ content: [] });
  });

  it('McpToolResponse isError is dropped by the library; a call_tool_result block carries it', async () => {
    expect(await call('response_is_error')).toEqual({ content: [{ type: 'text', text: 'refused' }] });
    expect(await call('call_tool_result')).toEqual({
      content: [{ type: 'text', text: 'refused: stale round' }],
      isError: true,
    });
  });

  it('a throwing function or an unreadable result is isError with the C# SDK generic text', async () => {
    logs.length = 0;
    expect(await call('test_error_handling')).toEqual({
      content: [{ type: 'text', text: "An error occurred invoking 'test_error_handling'." }],
      isError: true,
    });
    expect(logs.join('\n')).toContain('This tool intentionally returns an error for testing');
    expect(await call('bad_block')).toEqual({
      content: [{ type: 'text', text: "An error occurred invoking 'bad_block'." }],
      isError: true,
    });
  });
});

describe('resources and prompts', () => {
  it('lists static resources with their fields and _meta, and {param} URIs as templates', async () => {
    const { resources } = await streamable.client.listResources();
    expect(resources.find((r) => r.uri === 'ui://fixture/app.html')).toEqual({
      uri: 'ui://fixture/app.html',
      name: 'Fixture app',
      title: 'Fixture MCP App',
      description: 'An MCP App view.',
      mimeType: 'text/html;profile=mcp-app',
      _meta: { ui: { prefersBorder: true } },
    });
    expect(resources.some((r) => r.uri.includes('{'))).toBe(false);
    const { resourceTemplates } = await streamable.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'test://echo/{kind}?q={query}',
      'test://template/{id}/data',
    ]);
  });

  it('reads text with the registered mimeType, bytes as a blob, and fills template parameters', async () => {
    expect(await streamable.client.readResource({ uri: 'ui://fixture/app.html' })).toEqual({
      contents: [
        {
          uri: 'ui://fixture/app.html',
          mimeType: 'text/html;profile=mcp-app',
          text: expect.stringContaining('<!doctype html>'),
        },
      ],
    });
    expect((await streamable.client.readResource({ uri: 'test://static-binary' })).contents).toEqual([
      { uri: 'test://static-binary', mimeType: 'image/png', blob: PNG },
    ]);
    const echo = await streamable.client.readResource({ uri: 'test://echo/cases?q=open' });
    const body = JSON.parse((echo.contents[0] as { text: string }).text);
    expect(body.triggerMetadata).toMatchObject({
      kind: 'cases',
      query: 'open',
      mcpresourceuri: 'test://echo/cases?q=open',
    });
    expect(body.input).toMatchObject({
      uri: 'test://echo/cases?q=open',
      transport: { name: 'http-streamable' },
    });
  });

  it('unwraps a worker McpResourceResult envelope; an object return value fails as on the real host', async () => {
    expect((await streamable.client.readResource({ uri: 'test://envelope' })).contents).toEqual([
      { uri: 'test://envelope', mimeType: 'text/plain', text: 'from an envelope' },
    ]);
    await expect(streamable.client.readResource({ uri: 'test://object' })).rejects.toMatchObject({
      code: -32603,
      message: expect.stringContaining('An error occurred.'),
    });
    await expect(streamable.client.readResource({ uri: 'test://missing' })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('lists prompts with arguments, title and _meta; a prompt returns one user text message', async () => {
    const { prompts } = await streamable.client.listPrompts();
    expect(prompts.find((p) => p.name === 'prompt_echo')).toEqual({
      name: 'prompt_echo',
      title: 'Prompt echo',
      description: 'Echoes the prompt context.',
      arguments: [
        { name: 'topic', description: 'The topic', required: true },
        { name: 'tone', required: false },
      ],
      _meta: { category: 'tests' },
    });
    const got = await streamable.client.getPrompt({ name: 'prompt_echo', arguments: { topic: 'fraud' } });
    const body = JSON.parse((got.messages[0]!.content as { text: string }).text);
    expect(got.messages[0]!.role).toBe('user');
    expect(body.ctx).toMatchObject({ name: 'prompt_echo', arguments: { topic: 'fraud' } });
    expect(body.triggerMetadata.mcppromptargs).toEqual({ topic: 'fraud' });
    await expect(streamable.client.getPrompt({ name: 'prompt_echo', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Please provide: topic'),
    });
    expect((await streamable.client.getPrompt({ name: 'prompt_object' })).messages[0]!.content).toEqual({
      type: 'text',
      text: '{\n  "a": 1\n}',
    });
  });
});
