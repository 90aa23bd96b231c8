// One record per tool call: the transport wrapper builds it once when a tools/call ends, and both
// lines about the call are written from it — the audit record (audit.ts) and, when written, the
// request log line (Logger.toolCall). Keys are the audit line's field names; each writer serialises
// the record once, in its own format (the log line keeps the request line's names: duration_ms,
// status, the bounded tool label, tokens as one object).

export interface ToolCallRecord {
  trace_id: string;
  span_id: string;
  /** The caller's span, when the request continued a trace. */
  parent_span_id: string | undefined;
  session_id: string | undefined;
  /** The JSON-RPC id the client gave the request. */
  request_id: string | number;
  transport: string;
  /** clientInfo.name as announced (not authenticated). */
  client: string | undefined;
  /** Authenticated subject (token `sub`) and OAuth client id, when the HTTP layer authenticated the caller. */
  subject: string | undefined;
  client_id: string | undefined;
  /** The tool's name as called ('' when the request named none). */
  tool: string;
  /** Its bounded label (OVERFLOW_VALUE for unregistered names): the log line's `tool`. */
  tool_label: string;
  arguments: unknown;
  outcome: 'ok' | 'error';
  error_type: string | undefined;
  /** The JSON-RPC error code (bounded label) when the call was answered with an error. */
  error_code: string | undefined;
  latency_ms: number;
  /** LLM usage the tool reported with reportTokens(), when it did. */
  tokens: { input: number; output: number; costUsd: number } | undefined;
  /** The agent task the call belongs to (`_meta` task convention). */
  task_id: string | undefined;
}

/**
 * With an audit file, which tools/call the log repeats (the audit record is the call's record):
 * failed calls at warning (default), every call, or none. Without an audit file every call is logged.
 */
export type AuditedCallLog = 'failed' | 'all' | 'none';
export const AUDITED_CALL_LOGS: readonly AuditedCallLog[] = ['failed', 'all', 'none'];
