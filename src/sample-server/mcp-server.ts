// One McpServer with the sample tools; Streamable HTTP builds one per session (an McpServer
// serves exactly one transport), stdio builds one per process.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { FaultState } from './faults/fault-state.js';
import { SAMPLE_TOOLS, type ToolContext } from './tools/index.js';

export const SERVER_INFO = { name: 'mcp-observability-sample', version: '0.1.0' };

export function buildMcpServer(faults: FaultState, context: ToolContext): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} } });
  for (const tool of SAMPLE_TOOLS) tool.register(server, faults.gate, context);
  return server;
}
