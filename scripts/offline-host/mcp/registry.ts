/**
 * The app's MCP registrations, read from the binding metadata the Node library registers
 * (`mcpToolTrigger` / `mcpResourceTrigger` / `mcpPromptTrigger`), and turned into what the Functions MCP
 * extension lists. Sources (Azure/azure-functions-mcp-extension, src/Microsoft.Azure.Functions.Extensions.Mcp/):
 * - Trigger/McpToolTriggerBinding.cs (GetProperties), ToolInputSchema/PropertyBasedToolInputSchema.cs
 *   (the JSON schema), ToolInputSchema/ToolInputSchema.cs (required-argument check),
 *   InputBinding/McpToolPropertyAttribute.cs (property fields and defaults);
 * - DefaultToolRegistry.cs / DefaultResourceRegistry.cs / DefaultPromptRegistry.cs (listing, lookups
 *   that ignore case, duplicate names refused), MetadataParser.cs (`metadata` JSON → `_meta`);
 * - ResourceUriHelper.cs (URI validation and `{param}` templates);
 * - Trigger/McpPromptTriggerBinding.cs (ParsePromptArguments, ParseIcons).
 * Binding JSON reaches the extension's attributes by property name, ignoring case, as here.
 */
import type { FunctionInfo } from '../types.js';

export type JsonObject = Record<string, unknown>;

export interface McpToolDef {
  functionName: string;
  /** The trigger binding's name: the binding data carries the trigger value under it too. */
  triggerName: string;
  name: string;
  description?: string;
  inputSchema: JsonObject;
  required: string[];
  outputSchema?: JsonObject;
  meta?: JsonObject;
  /** Always true for @azure/functions (it sends `useResultSchema: true`): the McpToolResult envelope. */
  useResultSchema: boolean;
}

export interface McpResourceDef {
  functionName: string;
  triggerName: string;
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  meta?: JsonObject;
  /** Set for `{param}` URIs: listed as templates and matched by this pattern. */
  template?: { pattern: RegExp; params: string[] };
}

export interface McpPromptDef {
  functionName: string;
  triggerName: string;
  name: string;
  title?: string;
  description?: string;
  arguments?: Array<{ name: string; description?: string; required?: boolean }>;
  icons?: unknown[];
  meta?: JsonObject;
  useResultSchema: boolean;
}

export interface McpRegistry {
  tools: McpToolDef[];
  resources: McpResourceDef[];
  prompts: McpPromptDef[];
  findTool(name: string): McpToolDef | undefined;
  findResource(uri: string): McpResourceDef | undefined;
  findPrompt(name: string): McpPromptDef | undefined;
  readonly empty: boolean;
}

type Binding = Record<string, unknown>;

/** A binding property by name, ignoring case (how binding JSON binds to the extension's attributes). */
function prop(b: Binding, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(b)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
const str = (b: Binding, name: string): string | undefined => {
  const v = prop(b, name);
  return typeof v === 'string' ? v : undefined;
};
const bool = (b: Binding, name: string): boolean => prop(b, name) === true;

function triggerOf(fn: FunctionInfo, type: string): { name: string; binding: Binding } | undefined {
  const bindings = (fn.metadata as { bindings?: Record<string, Binding> }).bindings ?? {};
  for (const [name, b] of Object.entries(bindings))
    if (String(b['type']).toLowerCase() === type.toLowerCase()) return { name, binding: b };
  return undefined;
}

/** MetadataParser.ParseMetadata + SerializeMetadata: a JSON object, or nothing when empty. */
function parseMetadata(text: string | undefined, where: string): JsonObject | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = parseJson(text, `${where}: metadata`);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${where}: metadata root must be a JSON object.`);
  return Object.keys(parsed).length === 0 ? undefined : (parsed as JsonObject);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

interface ToolProperty {
  propertyName: string;
  propertyType: string | null;
  description: string | null;
  isRequired: boolean;
  isArray: boolean;
  enumValues: string[];
}

/** `toolProperties` JSON → McpToolPropertyAttribute values (missing isRequired/isArray = false). */
function toolProperties(text: string | undefined, where: string): ToolProperty[] {
  if (text === undefined) return [];
  const parsed = parseJson(text, `${where}: toolProperties`);
  if (!Array.isArray(parsed)) throw new Error(`${where}: toolProperties must be a JSON array.`);
  return parsed.map((raw: unknown) => {
    const p = (raw ?? {}) as Binding;
    const enumValues = prop(p, 'enumValues');
    return {
      propertyName: String(prop(p, 'propertyName') ?? ''),
      propertyType: typeof prop(p, 'propertyType') === 'string' ? (prop(p, 'propertyType') as string) : null,
      description: typeof prop(p, 'description') === 'string' ? (prop(p, 'description') as string) : null,
      isRequired: prop(p, 'isRequired') === true,
      isArray: prop(p, 'isArray') === true,
      enumValues: Array.isArray(enumValues) ? enumValues.map(String) : [],
    };
  });
}

/** PropertyBasedToolInputSchema.BuildSchemaElement, key order included; `required` is always written. */
export function propertyInputSchema(properties: readonly ToolProperty[]): JsonObject {
  const props: JsonObject = {};
  const named = properties.filter((p) => p.propertyName.trim() !== '');
  for (const p of named) {
    const typed = (): JsonObject => ({
      type: p.propertyType,
      ...(p.enumValues.length > 0 ? { enum: [...p.enumValues] } : {}),
    });
    props[p.propertyName] = p.isArray
      ? { type: 'array', items: typed(), description: p.description ?? '' }
      : { ...typed(), description: p.description ?? '' };
  }
  const required = [...new Set(named.filter((p) => p.isRequired).map((p) => p.propertyName))];
  return { type: 'object', properties: props, required };
}

function toolOf(fn: FunctionInfo, triggerName: string, b: Binding): McpToolDef {
  const name = str(b, 'toolName');
  const where = `MCP tool function '${fn.name}'`;
  if (!name) throw new Error(`${where} has no toolName.`);
  let inputSchema: JsonObject;
  let required: string[];
  if (bool(b, 'useWorkerInputSchema')) {
    // McpToolTriggerBinding.CreateToolInputSchema: the worker's schema, which must be an object schema.
    const schema = parseJson(str(b, 'inputSchema') ?? 'null', `${where}: inputSchema`);
    if (!schema || typeof schema !== 'object' || (schema as JsonObject)['type'] !== 'object')
      throw new Error(`${where}: inputSchema must be a JSON schema of type "object".`);
    inputSchema = schema as JsonObject;
    const req = inputSchema['required'];
    required = Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : [];
  } else {
    const properties = toolProperties(str(b, 'toolProperties'), where);
    inputSchema = propertyInputSchema(properties);
    // ToolInputSchema.Validate checks every required property, named or not.
    required = properties.filter((p) => p.isRequired).map((p) => p.propertyName);
  }
  // The Node library sends `resultSchema`; the host attribute's property is `OutputSchema`, so only an
  // `outputSchema` binding property becomes the tool's outputSchema (see the README).
  const output = str(b, 'outputSchema');
  const meta = parseMetadata(str(b, 'metadata'), where);
  const description = str(b, 'description');
  return {
    functionName: fn.name,
    triggerName,
    name,
    ...(description !== undefined ? { description } : {}),
    inputSchema,
    required,
    ...(output ? { outputSchema: parseJson(output, `${where}: outputSchema`) as JsonObject } : {}),
    ...(meta ? { meta } : {}),
    useResultSchema: bool(b, 'useResultSchema'),
  };
}

const TEMPLATE_EXPRESSION = /\{[^{}]+\}/g;
const isTemplate = (uri: string) => /\{[^{}]+\}/.test(uri);

/** ResourceUriHelper.Validate: absolute URI, balanced non-empty `{param}` expressions. */
export function validateResourceUri(uri: string): void {
  if (uri.trim() === '') throw new Error('Resource URI cannot be null or whitespace.');
  if (isTemplate(uri)) {
    if ((uri.match(/\{/g) ?? []).length !== (uri.match(/\}/g) ?? []).length)
      throw new Error('Resource URI template has unbalanced braces.');
    templateParams(uri);
  } else if (uri.includes('{') || uri.includes('}')) {
    throw new Error('Resource URI contains malformed template syntax (unmatched or empty braces).');
  }
  const probe = uri.replace(TEMPLATE_EXPRESSION, 'template');
  // .NET Uri.TryCreate(Absolute) wants a scheme; URL.canParse is the closest Node check.
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(probe) || !URL.canParse(probe))
    throw new Error(`Invalid resource URI format: '${uri}'`);
}

function templateParams(uri: string): string[] {
  const matches = [...uri.matchAll(TEMPLATE_EXPRESSION)];
  for (let i = 0; i < matches.length - 1; i++) {
    const a = matches[i] as RegExpExecArray;
    const b = matches[i + 1] as RegExpExecArray;
    if (a.index + a[0].length === b.index)
      throw new Error(
        'Resource URI template expressions must be separated by at least one literal character or delimiter.',
      );
  }
  const params = matches.map((m) => m[0].slice(1, -1));
  const sanitized = params.map((p) => p.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase());
  if (new Set(sanitized).size !== sanitized.length)
    throw new Error(`Resource URI template has duplicate or colliding parameter names: '${uri}'.`);
  for (const p of params) {
    if (p.trim() === '') throw new Error('Resource URI template parameters cannot be empty.');
    if (/[/#?& ]/.test(p))
      throw new Error(`Resource URI template parameter '${p}' contains invalid characters.`);
  }
  return params;
}

/** ResourceUriHelper.BuildRegexCore: `[^/?#]+` per parameter (`[^&#]+` after `?` or `&`), ignoring case. */
function templatePattern(uri: string): { pattern: RegExp; params: string[] } {
  const params = templateParams(uri);
  let source = '';
  let i = 0;
  let n = 0;
  while (i < uri.length) {
    const ch = uri[i] as string;
    if (ch === '{') {
      const end = uri.indexOf('}', i + 1);
      const previous = i === 0 ? '' : uri[i - 1];
      source += `(?<p${n++}>${previous === '?' || previous === '&' ? '[^&#]+' : '[^/?#]+'})`;
      i = end + 1;
      continue;
    }
    source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    i++;
  }
  return { pattern: new RegExp(`^${source}$`, 'i'), params };
}

/** Template parameter values of `uri` (keyed by the template's parameter names), or undefined. */
export function templateValues(def: McpResourceDef, uri: string): Record<string, string> | undefined {
  if (!def.template) return undefined;
  const m = def.template.pattern.exec(uri);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  def.template.params.forEach((p, i) => (out[p] = m.groups?.[`p${i}`] ?? ''));
  return out;
}

function resourceOf(fn: FunctionInfo, triggerName: string, b: Binding): McpResourceDef {
  const where = `MCP resource function '${fn.name}'`;
  const uri = str(b, 'uri');
  const name = str(b, 'resourceName');
  if (!uri || !name) throw new Error(`${where} needs a uri and a resourceName.`);
  try {
    validateResourceUri(uri);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
  const size = prop(b, 'size');
  const meta = parseMetadata(str(b, 'metadata'), where);
  const optional = (key: 'title' | 'description' | 'mimeType') => {
    const v = str(b, key);
    return v !== undefined ? { [key]: v } : {};
  };
  return {
    functionName: fn.name,
    triggerName,
    uri,
    name,
    ...optional('title'),
    ...optional('description'),
    ...optional('mimeType'),
    ...(typeof size === 'number' ? { size } : {}),
    ...(meta ? { meta } : {}),
    ...(isTemplate(uri) ? { template: templatePattern(uri) } : {}),
  };
}

function promptOf(fn: FunctionInfo, triggerName: string, b: Binding): McpPromptDef {
  const where = `MCP prompt function '${fn.name}'`;
  const name = str(b, 'promptName');
  if (!name) throw new Error(`${where} has no promptName.`);
  const argsText = str(b, 'promptArguments');
  const iconsText = str(b, 'icons');
  const args = argsText ? parseJson(argsText, `${where}: promptArguments`) : undefined;
  if (args !== undefined && !Array.isArray(args))
    throw new Error(`${where}: promptArguments must be a JSON array.`);
  const icons = iconsText ? parseJson(iconsText, `${where}: icons`) : undefined;
  const meta = parseMetadata(str(b, 'metadata'), where);
  const title = str(b, 'title');
  const description = str(b, 'description');
  return {
    functionName: fn.name,
    triggerName,
    name,
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(args
      ? {
          arguments: (args as Binding[]).map((a) => ({
            name: String(prop(a, 'name') ?? ''),
            ...(typeof prop(a, 'description') === 'string'
              ? { description: prop(a, 'description') as string }
              : {}),
            ...(typeof prop(a, 'required') === 'boolean' ? { required: prop(a, 'required') as boolean } : {}),
          })),
        }
      : {}),
    ...(Array.isArray(icons) ? { icons } : {}),
    ...(meta ? { meta } : {}),
    useResultSchema: bool(b, 'useResultSchema'),
  };
}

/**
 * Reads every MCP registration of the app. A duplicate tool or prompt name (ignoring case), a duplicate
 * resource URI, or a malformed one fails here, as the extension's registries fail the host's start.
 */
export function readRegistry(functions: readonly FunctionInfo[]): McpRegistry {
  const tools = new Map<string, McpToolDef>();
  const statics = new Map<string, McpResourceDef>();
  const templates: McpResourceDef[] = [];
  const prompts = new Map<string, McpPromptDef>();
  for (const fn of functions) {
    const tool = triggerOf(fn, 'mcpToolTrigger');
    if (tool) {
      const def = toolOf(fn, tool.name, tool.binding);
      if (tools.has(def.name.toLowerCase()))
        throw new Error(`Tool with name '${def.name}' is already registered.`);
      tools.set(def.name.toLowerCase(), def);
    }
    const resource = triggerOf(fn, 'mcpResourceTrigger');
    if (resource) {
      const def = resourceOf(fn, resource.name, resource.binding);
      if (def.template) {
        const shape = (u: string) => u.replace(TEMPLATE_EXPRESSION, '{_}').toLowerCase();
        const same = templates.find((t) => shape(t.uri) === shape(def.uri));
        if (same)
          throw new Error(
            `A resource template with an equivalent URI pattern is already registered. Existing: '${same.uri}', New: '${def.uri}'.`,
          );
        templates.push(def);
      } else {
        if (statics.has(def.uri.toLowerCase()))
          throw new Error(`Resource with URI '${def.uri}' is already registered.`);
        statics.set(def.uri.toLowerCase(), def);
      }
    }
    const prompt = triggerOf(fn, 'mcpPromptTrigger');
    if (prompt) {
      const def = promptOf(fn, prompt.name, prompt.binding);
      if (prompts.has(def.name.toLowerCase()))
        throw new Error(`Prompt with name '${def.name}' is already registered.`);
      prompts.set(def.name.toLowerCase(), def);
    }
  }
  return {
    tools: [...tools.values()],
    resources: [...statics.values(), ...templates],
    prompts: [...prompts.values()],
    findTool: (name) => tools.get(name.toLowerCase()),
    findResource(uri) {
      validateResourceUri(uri);
      return statics.get(uri.toLowerCase()) ?? templates.find((t) => t.template?.pattern.test(uri));
    },
    findPrompt: (name) => prompts.get(name.toLowerCase()),
    empty: tools.size + statics.size + templates.length + prompts.size === 0,
  };
}
