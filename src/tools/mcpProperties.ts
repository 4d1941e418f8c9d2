import { toolJsonSchema } from './index.js';
import type { ToolDefinition } from './types.js';

/**
 * The tool's arguments in the MCP extension's property format (structurally the `Args` of
 * @azure/functions' app.mcpTool), derived from the same zod schema the agents use, so the two
 * descriptions cannot drift. Kept free of Azure imports: the function file only registers.
 */
export interface McpPropertySpec {
  propertyType: 'string' | 'integer' | 'number' | 'boolean' | 'object';
  description: string;
  isRequired: boolean;
  isArray: boolean;
}

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  items?: JsonProperty;
  description?: string;
}

export function mcpToolProperties(tool: ToolDefinition): Record<string, McpPropertySpec> {
  const schema = toolJsonSchema(tool);
  const properties = (schema['properties'] ?? {}) as Record<string, JsonProperty>;
  const required = new Set((schema['required'] ?? []) as string[]);
  const out: Record<string, McpPropertySpec> = {};
  for (const [name, prop] of Object.entries(properties)) {
    const isArray = prop.type === 'array';
    const item = isArray ? (prop.items ?? {}) : prop;
    const choices = item.enum ? ` One of: ${item.enum.join(', ')}.` : '';
    out[name] = {
      propertyType: scalarType(item.type),
      description: `${prop.description ?? ''}${choices}`.trim(),
      isRequired: required.has(name),
      isArray,
    };
  }
  return out;
}

function scalarType(type: string | undefined): McpPropertySpec['propertyType'] {
  return type === 'integer' || type === 'number' || type === 'boolean' || type === 'object' ? type : 'string';
}
