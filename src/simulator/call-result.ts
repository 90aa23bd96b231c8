// Classifies a tools/call outcome the way an agent experiences it. SDK 1.32.x answers unknown
// tools and schema-violating arguments with isError results whose text starts "MCP error -32602:",
// not with JSON-RPC errors, so the text decides. SDK 2.x servers answer schema-violating
// arguments with an isError result without that prefix, and unknown tools with a JSON-RPC -32602
// error, which the 1.x client throws as an McpError and the 2.x client as a ProtocolError.
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { CallResultKind } from './stats.js';

const UNKNOWN_TOOL_TEXT = /^(MCP error -32602: )?Tool \S+ not found/;
const INVALID_ARGS_TEXT = /^(MCP error -32602: )?(Input validation error|Invalid arguments)/i;
const INVALID_PARAMS = -32602;

export function classifyResult(result: CallToolResult): CallResultKind {
  if (!result.isError) return 'ok';
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');
  if (UNKNOWN_TOOL_TEXT.test(text)) return 'unknown_tool';
  if (INVALID_ARGS_TEXT.test(text)) return 'invalid_args';
  return 'tool_error';
}

export function classifyThrown(err: unknown): CallResultKind {
  if (!(err instanceof McpError || err instanceof ProtocolError)) return 'transport_error';
  return err.code === INVALID_PARAMS && UNKNOWN_TOOL_TEXT.test(err.message) ? 'unknown_tool' : 'protocol_error';
}
