/**
 * A minimal MCP Apps host page for the browser test: the view runs in a sandboxed iframe (scripts only,
 * opaque origin) and talks to this page through ext-apps' host-side AppBridge over postMessage, as a
 * chat client hosts it. Tool calls from the view go to `hostCallTool`, which the test exposes from Node
 * (an MCP SDK client connected to the offline host over HTTP): the approve button really calls the tool.
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolRequest, CallToolResult } from '@modelcontextprotocol/sdk/types.js';

declare global {
  interface Window {
    hostCallTool(params: CallToolRequest['params']): Promise<CallToolResult>;
    openApp(html: string, toolArgs: Record<string, unknown>, toolResult: CallToolResult): Promise<void>;
    hostLog: string[];
  }
}

window.hostLog = [];

window.openApp = async (html, toolArgs, toolResult) => {
  const iframe = document.createElement('iframe');
  iframe.id = 'app';
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.title = 'MCP App';
  iframe.style.cssText = 'border:0;width:100%;display:block';
  document.getElementById('frame')!.append(iframe);
  const view = iframe.contentWindow!;

  const bridge = new AppBridge(null, { name: 'test-host', version: '1.0.0' }, { serverTools: {} });
  bridge.oncalltool = async (params) => {
    window.hostLog.push(`tools/call ${params.name} ${JSON.stringify(params.arguments ?? {})}`);
    return window.hostCallTool(params);
  };
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${height}px`;
  };
  const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
  await bridge.connect(new PostMessageTransport(view, view));
  iframe.srcdoc = html;
  await initialized;
  await bridge.sendToolInput({ arguments: toolArgs });
  await bridge.sendToolResult(toolResult);
};
