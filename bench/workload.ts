// What every throughput and in-process round does: tools/call `summarize` on the reference
// server's own tools (cheap, and it reports tokens and cost, so the full instrumentation records
// every per-call signal). A cheap tool is the worst case for relative overhead.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { FaultState } from '../src/sample-server/faults/fault-state.js';
import { buildMcpServer } from '../src/sample-server/mcp-server.js';
import { ToolDefinitions } from '../src/sample-server/tool-definitions.js';
import { SAMPLE_TOOLS, type ToolContext } from '../src/sample-server/tools/index.js';

export const TOOL_NAME = 'summarize';
export const TOOL_ARGUMENTS = { text: 'Metrics show load. Logs explain errors. Traces link calls across servers.', maxSentences: 1 };

export function toolCall(id: number): string {
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${TOOL_NAME}","arguments":${JSON.stringify(TOOL_ARGUMENTS)}}}`;
}

/** Whether a serialised answer is a successful tools/call result (not a protocol or tool error). */
export function isGoodAnswer(text: string): boolean {
  return text.includes('"result"') && text.includes('"content"') && !text.includes('"isError":true');
}

/** Uninstrumented variants give the tools a context that reports nowhere. */
export const NO_CONTEXT: ToolContext = { reportTokens: () => {} };

/** The shipped tool definitions, as the reference server serves them (no admin overrides). */
const definitions = new ToolDefinitions(SAMPLE_TOOLS);

/** The reference server's McpServer (all its tools), faults off. */
export function referenceServer(context: ToolContext = NO_CONTEXT): McpServer {
  return buildMcpServer(new FaultState(), definitions, context);
}
