import { McpContentBlock, McpToolResponse, type InvocationContext } from '@azure/functions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveReader } from '../../../src/functions/mcpTools.js';
import { appendEvents, emptyLiveRecord } from '../../../src/live/record.js';

const registered = vi.hoisted(() => [] as { name: string; options: Record<string, unknown> }[]);

vi.mock('@azure/functions', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@azure/functions')>();
  return {
    ...actual,
    app: {
      ...actual.app,
      mcpTool: (name: string, options: Record<string, unknown>) => registered.push({ name, options }),
    },
  };
});

type Handler = (input: unknown, context: InvocationContext) => Promise<McpToolResponse | McpContentBlock>;
let mcpToolHandler: (tool: string, reader?: LiveReader) => Handler;
const context = (triggerMetadata: Record<string, unknown> = {}) =>
  ({ triggerMetadata }) as unknown as InvocationContext;
/** Success is an McpToolResponse; a refusal is a whole CallToolResult (the host reads `call_tool_result`). */
const result = (r: McpToolResponse | McpContentBlock) =>
  r instanceof McpToolResponse
    ? { isError: r.isError, text: (r.content[0]?.toJSON() as { text: string }).text }
    : (() => {
        expect(r.type).toBe('call_tool_result');
        const json = r.toJSON() as { isError?: boolean; content: Array<{ text: string }> };
        return { isError: json.isError, text: json.content[0]!.text };
      })();
const text = (r: McpToolResponse | McpContentBlock) => result(r).text;

describe('MCP tool registrations', () => {
  beforeAll(async () => {
    ({ mcpToolHandler } = await import('../../../src/functions/mcpTools.js'));
  });

  it('registers the eleven read tools and no action tool', () => {
    expect(registered.map((r) => r.options['toolName'])).toEqual([
      'get_customer_detail',
      'get_subscription_detail',
      'get_data_usage',
      'get_security_logs',
      'get_billing_summary',
      'get_customer_orders',
      'get_transactions',
      'get_api_activity',
      'get_account_context',
      'get_account_timeline',
      'search_knowledge_base',
    ]);
  });

  it('declares tool properties in the shape app.mcpTool accepts', () => {
    const usage = registered.find((r) => r.options['toolName'] === 'get_data_usage');
    expect(usage?.options['toolProperties']).toMatchObject({
      subscription_id: {
        propertyType: 'string',
        isRequired: true,
        isArray: false,
        description: expect.any(String),
      },
      aggregate: { propertyType: 'string', isRequired: false },
    });
  });

  it('reads the live record through a durable client input on every tool', () => {
    for (const r of registered)
      expect(r.options['extraInputs'], String(r.options['toolName'])).toEqual([
        expect.objectContaining({ type: 'durableClient' }),
      ]);
  });

  // The registered handlers read the live record through the durable client; here a reader stands in.
  const liveLogin = appendEvents(emptyLiveRecord('C001'), [
    {
      type: 'login',
      customerId: 'C001',
      timestamp: new Date(Date.now() - 60_000).toISOString(),
      country: 'NG',
      ip: '41.1.2.3',
      success: true,
    },
  ]).state;
  const reads: string[] = [];
  const reader: LiveReader = (customerId) => {
    reads.push(customerId);
    return Promise.resolve(customerId === 'C001' ? { customerId, events: liveLogin.events } : undefined);
  };
  const handler = (tool: string): Handler => mcpToolHandler(tool, reader);

  it('returns the merged timeline the investigations see: history anchored to now, live events marked', async () => {
    const r = await handler('get_security_logs')({ arguments: { customer_id: 'c001' } }, context());
    const logs = JSON.parse(text(r));
    expect(reads).toContain('C001');
    expect(logs.recentEvents[0]).toMatchObject({ source: 'live', country: 'NG' });
    expect(logs.recentEvents[1].source).toBe('history');
    expect(Date.parse(logs.recentEvents[0].ts) - Date.parse(logs.recentEvents[1].ts)).toBeLessThan(
      3 * 86_400_000,
    );
  });

  it('answers with the tool result as JSON text, reading the arguments from the trigger input', async () => {
    const r = await handler('get_customer_detail')(
      { name: 'get_customer_detail', arguments: { customer_id: 'C001' } },
      context(),
    );
    expect(result(r).isError).toBeFalsy();
    expect(JSON.parse(text(r))).toMatchObject({ customerId: 'C001' });
  });

  it('also reads the arguments from the mcptoolargs trigger metadata', async () => {
    const r = await handler('search_knowledge_base')(
      undefined,
      context({ mcptoolargs: { query: 'impossible travel', top_k: 1 } }),
    );
    expect(JSON.parse(text(r)).results[0].id).toBe('KB-002');
  });

  it('reports bad arguments and unknown customers as an MCP error result (isError survives the library)', async () => {
    const r = await handler('get_customer_detail')(
      JSON.stringify({ arguments: { customer_id: 'C999' } }),
      context(),
    );
    expect(result(r).isError).toBe(true);
    expect(text(r)).toMatch(/not found/);
  });
});
