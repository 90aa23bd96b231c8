// One McpServer with the sample tools; Streamable HTTP builds one per session (an McpServer
// serves exactly one transport), stdio builds one per process. SDK 2.x builds one per request
// (HTTP) or per connection (stdio) through the factory its serving entry calls.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpServer as McpServerV2 } from '@modelcontextprotocol/server';
import { registerContent } from './content.js';
import type { FaultState } from './faults/fault-state.js';
import type { ToolDefinitions } from './tool-definitions.js';
import { SAMPLE_TOOLS, type ToolContext } from './tools/index.js';

export const SERVER_INFO = { name: 'mcp-observability-sample', version: '0.1.0' };

export function buildMcpServer(faults: FaultState, definitions: ToolDefinitions, context: ToolContext): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {}, resources: {}, prompts: {} } });
  registerContent(server, faults.resourceGate);
  definitions.attach(server, new Map(SAMPLE_TOOLS.map((tool) => [tool.name, tool.register(server, faults.gate, context)])));
  return server;
}

export function buildMcpServerV2(faults: FaultState, definitions: ToolDefinitions, context: ToolContext): McpServerV2 {
  const server = new McpServerV2(SERVER_INFO, { capabilities: { tools: {} } });
  definitions.applyTo(server, new Map(SAMPLE_TOOLS.map((tool) => [tool.name, tool.registerV2(server, faults.gate, context)])));
  return server;
}
