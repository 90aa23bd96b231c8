// Classifies a tools/call outcome the way an agent experiences it. SDK 1.32.x answers unknown
// tools and schema-violating arguments with isError results carrying "-32602" text, not with
// JSON-RPC errors, so the text decides.
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CallResultKind } from './stats.js';

export function classifyResult(result: CallToolResult): CallResultKind {
  if (!result.isError) return 'ok';
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');
  if (/-32602.*Tool .* not found/.test(text)) return 'unknown_tool';
  if (/-32602.*(Input validation error|Invalid arguments)/i.test(text)) return 'invalid_args';
  return 'tool_error';
}

export const classifyThrown = (err: unknown): CallResultKind => (err instanceof McpError ? 'protocol_error' : 'transport_error');
