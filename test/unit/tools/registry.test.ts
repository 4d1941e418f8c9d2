import { describe, expect, it } from 'vitest';
import {
  actionTools,
  allTools,
  callTool,
  readTools,
  toolByName,
  toolJsonSchema,
  toolSpec,
} from '../../../src/tools/index.js';
import { mcpToolProperties } from '../../../src/tools/mcpProperties.js';

describe('tool registry', () => {
  it('has the eleven read tools and the two action tools, each once', () => {
    expect(readTools.map((t) => t.name)).toEqual([
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
    expect(actionTools.map((t) => t.name)).toEqual(['lock_account', 'refund_charges']);
    expect(new Set(allTools.map((t) => t.name)).size).toBe(13);
    expect(toolByName('get_data_usage')?.name).toBe('get_data_usage');
    expect(toolByName('drop_tables')).toBeUndefined();
  });

  it.each(allTools.map((t) => [t.name, t] as const))(
    '%s has an OpenAI-ready JSON schema (object, properties, no extra keys)',
    (_name, tool) => {
      const schema = toolJsonSchema(tool);
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(schema).not.toHaveProperty('$schema');
      const properties = schema['properties'] as Record<string, { type?: string; description?: string }>;
      expect(Object.keys(properties).length).toBeGreaterThan(0);
      for (const [key, prop] of Object.entries(properties)) {
        expect(prop.type, key).toMatch(/^(string|integer|number|boolean)$/);
        expect(prop.description, key).toBeTruthy();
      }
      for (const key of (schema['required'] ?? []) as string[]) expect(properties).toHaveProperty(key);
      expect(toolSpec(tool)).toMatchObject({
        name: tool.name,
        description: tool.description,
        parameters: schema,
      });
    },
  );

  it('marks defaulted arguments as optional in the schema', () => {
    const schema = toolJsonSchema(toolByName('get_data_usage')!);
    expect(schema['required']).toEqual(['subscription_id']);
  });

  it('derives MCP tool properties from the same schema', () => {
    expect(mcpToolProperties(toolByName('get_security_logs')!)).toEqual({
      customer_id: {
        propertyType: 'string',
        description: expect.stringContaining('Customer id'),
        isRequired: true,
        isArray: false,
      },
      since: { propertyType: 'string', description: expect.any(String), isRequired: false, isArray: false },
      limit: { propertyType: 'integer', description: expect.any(String), isRequired: false, isArray: false },
      as_of: {
        propertyType: 'string',
        description: expect.stringMatching(/as of this ISO timestamp/),
        isRequired: false,
        isArray: false,
      },
    });
    expect(mcpToolProperties(toolByName('get_data_usage')!)['aggregate']?.description).toMatch(
      /One of: total, weekly, daily/,
    );
  });
});

describe('callTool', () => {
  it('reads the account as of the as_of argument when the context sets none, and refuses a bad one', async () => {
    const r = await callTool('get_account_context', { customer_id: 'C048', as_of: '2026-03-20T12:00:00Z' });
    expect(r).toMatchObject({ ok: true, result: { asOf: '2026-03-20T12:00:00.000Z' } });
    const ctxWins = await callTool(
      'get_account_context',
      { customer_id: 'C048', as_of: '2026-03-20T12:00:00Z' },
      { asOf: '2026-11-27T12:00:00Z' },
    );
    expect(ctxWins).toMatchObject({ ok: true, result: { asOf: '2026-11-27T12:00:00.000Z' } });
    expect(await callTool('get_customer_detail', { customer_id: 'C001', as_of: 'today' })).toEqual({
      ok: false,
      error: 'invalid arguments for get_customer_detail: as_of: expected an ISO timestamp',
    });
  });

  it('accepts arguments as the JSON text a model produces', async () => {
    const r = await callTool('get_customer_detail', '{"customer_id":"C001"}');
    expect(r).toMatchObject({ ok: true, result: { customerId: 'C001' } });
  });

  it('returns an error naming the unknown tool and the available ones', async () => {
    const r = await callTool('delete_customer', {});
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(
        /unknown tool "delete_customer"; available: get_customer_detail, .*refund_charges/,
      ),
    });
  });

  it('returns an error for arguments that are not JSON', async () => {
    expect(await callTool('get_customer_detail', '{customer_id: C001')).toEqual({
      ok: false,
      error: expect.stringMatching(/not valid JSON/),
    });
  });

  it('names every invalid field instead of throwing', async () => {
    const r = await callTool('get_data_usage', {
      subscription_id: 42,
      start_date: '03/01/2026',
      end_date: 7,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/^invalid arguments for get_data_usage: /);
    expect(r.error).toMatch(/subscription_id: .*expected string/);
    expect(r.error).toMatch(/start_date: expected a date YYYY-MM-DD/);
    expect(r.error).toMatch(/end_date: /);
  });

  it('treats missing arguments as an empty object (and reports the required field)', async () => {
    expect(await callTool('get_customer_detail', undefined)).toEqual({
      ok: false,
      error: expect.stringMatching(/customer_id/),
    });
  });

  it('ignores unknown extra arguments rather than failing the call', async () => {
    expect(await callTool('get_customer_detail', { customer_id: 'C001', verbose: true })).toMatchObject({
      ok: true,
    });
  });
});
