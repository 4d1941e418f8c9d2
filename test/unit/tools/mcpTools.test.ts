import { McpToolResponse, type InvocationContext } from '@azure/functions';
import { beforeAll, describe, expect, it, vi } from 'vitest';

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

type Handler = (input: unknown, context: InvocationContext) => Promise<McpToolResponse>;
const context = (triggerMetadata: Record<string, unknown> = {}) =>
  ({ triggerMetadata }) as unknown as InvocationContext;
const text = (r: McpToolResponse) => (r.content[0]?.toJSON() as { text: string }).text;

describe('MCP tool registrations', () => {
  beforeAll(async () => {
    await import('../../../src/functions/mcpTools.js');
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

  const handler = (tool: string): Handler =>
    registered.find((r) => r.options['toolName'] === tool)?.options['handler'] as Handler;

  it('answers with the tool result as JSON text, reading the arguments from the trigger input', async () => {
    const r = await handler('get_customer_detail')(
      { name: 'get_customer_detail', arguments: { customer_id: 'C001' } },
      context(),
    );
    expect(r.isError).toBe(false);
    expect(JSON.parse(text(r))).toMatchObject({ customerId: 'C001' });
  });

  it('also reads the arguments from the mcptoolargs trigger metadata', async () => {
    const r = await handler('search_knowledge_base')(
      undefined,
      context({ mcptoolargs: { query: 'impossible travel', top_k: 1 } }),
    );
    expect(JSON.parse(text(r)).results[0].id).toBe('KB-002');
  });

  it('reports bad arguments and unknown customers as an MCP error result', async () => {
    const r = await handler('get_customer_detail')(
      JSON.stringify({ arguments: { customer_id: 'C999' } }),
      context(),
    );
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/not found/);
  });
});
