/**
 * Type-level check (never bundled): the metadata the server publishes conforms to the MCP Apps types of
 * @modelcontextprotocol/ext-apps, which resolve only under bundler resolution (this folder's tsconfig).
 */
import type { McpUiResourceMeta, McpUiToolMeta } from '@modelcontextprotocol/ext-apps';
import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY } from '@modelcontextprotocol/ext-apps';
import { resourceUiMeta, toolUiMeta } from '../app-meta';
import { CASE_REVIEW_APP_URI, MCP_APP_MIME_TYPE } from '../names';

export const toolMeta: McpUiToolMeta = toolUiMeta().ui;
export const legacyKey: typeof RESOURCE_URI_META_KEY = 'ui/resourceUri';
export const legacyValue: string = toolUiMeta()[legacyKey];
export const resourceMeta: McpUiResourceMeta = resourceUiMeta().ui;
export const mime: typeof RESOURCE_MIME_TYPE = MCP_APP_MIME_TYPE;
export const uri: `ui://${string}` = CASE_REVIEW_APP_URI;
