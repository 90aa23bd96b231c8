// prom-client profile: the seed table's names plus the project's additions.
import type { Matcher, MetricFamily, Profile } from './types.js';
import { LATENCY_BUCKETS, MESSAGE_SIZE_BUCKETS, SESSION_BUCKETS, TURN_BUCKETS } from './buckets.js';
import { PROM_CLIENT_DEFAULT_FAMILIES } from './prom-client-defaults.js';

const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });
const nre = (label: string, value: string): Matcher => ({ label, op: '!~', value });

/** Tool error types the caller causes (bad arguments, a tool that does not exist). */
export const CALLER_ERROR_TYPES = ['invalid_params', 'unknown_tool'] as const;
/** Tool error types the server causes. */
export const SERVER_ERROR_TYPES = ['tool_error', 'internal_error', 'timeout'] as const;
const callerErrors = CALLER_ERROR_TYPES.join('|');

const families: MetricFamily[] = [
  // transport / protocol
  { name: 'mcp_handshakes_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'MCP initialize handshakes by transport and outcome (success|failure).',
    labelNames: ['transport', 'outcome', 'client_name', 'protocol_version'] },
  { name: 'mcp_session_duration_seconds', type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'Duration of closed MCP sessions, from initialize to close.',
    labelNames: ['transport'], buckets: SESSION_BUCKETS },
  { name: 'mcp_active_connections', type: 'gauge', unit: 'none', layer: 'transport',
    help: 'Open MCP sessions (connected transports).', labelNames: ['transport'] },
  { name: 'mcp_idle_sessions', type: 'gauge', unit: 'none', layer: 'transport',
    help: 'Open MCP sessions that have sent nothing for longer than the idle threshold.', labelNames: ['transport'] },
  { name: 'mcp_sessions_reaped_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'Sessions closed by the idle reaper.', labelNames: ['transport'] },
  { name: 'mcp_requests_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'JSON-RPC requests handled, by method and outcome (ok|error).', labelNames: ['method', 'transport', 'outcome'] },
  { name: 'mcp_jsonrpc_errors_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'JSON-RPC error responses by method and error code (-32700, -32600, -32601, -32602, -32603, ...).',
    labelNames: ['method', 'code'] },
  { name: 'mcp_message_size_bytes', type: 'histogram', unit: 'bytes', layer: 'transport',
    help: 'Size of JSON-RPC messages by direction (in|out) and type (request|response|notification|error).',
    labelNames: ['direction', 'type'], buckets: MESSAGE_SIZE_BUCKETS },
  // tool execution
  { name: 'mcp_tool_invocations_total', type: 'counter', unit: 'none', layer: 'tool',
    help: 'tools/call invocations by tool and status (ok|error).', labelNames: ['tool', 'status'] },
  { name: 'mcp_tool_duration_seconds', type: 'histogram', unit: 'seconds', layer: 'tool',
    help: 'tools/call duration by tool, from request received to response sent.',
    labelNames: ['tool'], buckets: LATENCY_BUCKETS },
  { name: 'mcp_tool_errors_total', type: 'counter', unit: 'none', layer: 'tool',
    help: 'Failed tools/call by tool and error type (caller: invalid_params|unknown_tool; server: tool_error|internal_error|timeout).',
    labelNames: ['tool', 'error_type'] },
  { name: 'mcp_tool_tokens_total', type: 'counter', unit: 'tokens', layer: 'tool',
    help: 'LLM tokens reported by tools, by tool and token type (input|output).', labelNames: ['tool', 'token_type'] },
  { name: 'mcp_tool_cost_usd_total', type: 'counter', unit: 'usd', layer: 'tool',
    help: 'Cost in US dollars reported by tools.', labelNames: ['tool'] },
  // agentic
  { name: 'mcp_agent_tasks_total', type: 'counter', unit: 'none', layer: 'agent',
    help: 'Agent tasks reported finished, by outcome (success|failure|abandoned).', labelNames: ['outcome'] },
  { name: 'mcp_agent_task_turns', type: 'histogram', unit: 'none', layer: 'agent',
    help: 'Turns (tool calls) an agent needed per finished task.', labelNames: ['outcome'], buckets: TURN_BUCKETS },
  { name: 'mcp_tool_hallucinations_total', type: 'counter', unit: 'none', layer: 'agent',
    help: 'Hallucinated tool calls: unknown tool names (tool="_OTHER") or arguments failing the schema.',
    labelNames: ['tool', 'kind'] },
  // security
  { name: 'mcp_auth_failures_total', type: 'counter', unit: 'none', layer: 'security',
    help: 'Rejected authentication attempts by reason (missing|malformed|expired|bad_signature|insufficient_scope).',
    labelNames: ['reason'] },
  { name: 'mcp_rejected_requests_total', type: 'counter', unit: 'none', layer: 'security',
    help: 'HTTP requests rejected before the MCP transport, by reason (bad_host|bad_origin|rate_limited|parse_error|unknown_session|bad_accept|...).',
    labelNames: ['reason'] },
  { name: 'mcp_redactions_total', type: 'counter', unit: 'none', layer: 'security',
    help: 'Sensitive values redacted from logs and audit lines, by detector.', labelNames: ['detector'] },
  { name: 'mcp_audit_records_total', type: 'counter', unit: 'none', layer: 'security',
    help: 'Audit-trail records written, by outcome (ok|error).', labelNames: ['outcome'] },
  // resources (prom-client collectDefaultMetrics, plus our heap limit gauge)
  { name: 'process_cpu_seconds_total', type: 'counter', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'Total user and system CPU time spent in seconds.', labelNames: [] },
  { name: 'process_resident_memory_bytes', type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'Resident memory size in bytes.', labelNames: [] },
  { name: 'nodejs_heap_size_used_bytes', type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'Process heap size used from Node.js in bytes.', labelNames: [] },
  { name: 'nodejs_heap_size_limit_bytes', type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'V8 heap size limit (v8.getHeapStatistics().heap_size_limit): the ceiling before an out-of-memory crash.',
    labelNames: [] },
  { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'The 99th percentile of the recorded event loop delays.', labelNames: [] },
  { name: 'nodejs_gc_duration_seconds', type: 'histogram', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'Garbage collection duration by kind.', labelNames: ['kind'], buckets: [0.001, 0.01, 0.1, 1, 2, 5] },
  ...PROM_CLIENT_DEFAULT_FAMILIES,
];

export const promClientProfile: Profile = {
  name: 'prom-client',
  description: 'Metrics exported by this project\'s instrumentation library with prom-client (seed names plus additions).',
  families,
  signals: {
    handshakes: { family: 'mcp_handshakes_total', failed: [eq('outcome', 'failure')],
      labels: { transport: 'transport', outcome: 'outcome', clientName: 'client_name', protocolVersion: 'protocol_version' } },
    sessionDuration: { family: 'mcp_session_duration_seconds', labels: { transport: 'transport' } },
    activeSessions: { family: 'mcp_active_connections', labels: { transport: 'transport' } },
    idleSessions: { family: 'mcp_idle_sessions', labels: { transport: 'transport' } },
    sessionsReaped: { family: 'mcp_sessions_reaped_total', labels: { transport: 'transport' } },
    requests: { family: 'mcp_requests_total', failed: [eq('outcome', 'error')],
      labels: { method: 'method', transport: 'transport', outcome: 'outcome' } },
    jsonrpcErrors: { family: 'mcp_jsonrpc_errors_total', labels: { method: 'method', code: 'code' } },
    messageSize: { family: 'mcp_message_size_bytes', labels: { direction: 'direction', messageType: 'type' } },
    toolCalls: { family: 'mcp_tool_invocations_total', failed: [eq('status', 'error')], labels: { tool: 'tool', outcome: 'status' } },
    toolDuration: { family: 'mcp_tool_duration_seconds', labels: { tool: 'tool' } },
    toolErrors: { family: 'mcp_tool_errors_total', labels: { tool: 'tool', errorType: 'error_type' },
      callerFailed: [re('error_type', callerErrors)], serverFailed: [nre('error_type', callerErrors)] },
    toolTokens: { family: 'mcp_tool_tokens_total', labels: { tool: 'tool', tokenType: 'token_type' } },
    toolCost: { family: 'mcp_tool_cost_usd_total', labels: { tool: 'tool' } },
    agentTasks: { family: 'mcp_agent_tasks_total', failed: [eq('outcome', 'failure')], labels: { outcome: 'outcome' } },
    agentTurns: { family: 'mcp_agent_task_turns', labels: { outcome: 'outcome' } },
    hallucinations: { family: 'mcp_tool_hallucinations_total', labels: { tool: 'tool', kind: 'kind' } },
    cpuSeconds: { family: 'process_cpu_seconds_total', labels: {} },
    residentMemory: { family: 'process_resident_memory_bytes', labels: {} },
    heapUsed: { family: 'nodejs_heap_size_used_bytes', labels: {} },
    heapLimit: { family: 'nodejs_heap_size_limit_bytes', labels: {} },
    eventLoopLag: { family: 'nodejs_eventloop_lag_p99_seconds', labels: {} },
    gcDuration: { family: 'nodejs_gc_duration_seconds', labels: { gcKind: 'kind' } },
    authFailures: { family: 'mcp_auth_failures_total', labels: { reason: 'reason' } },
    rejectedRequests: { family: 'mcp_rejected_requests_total', labels: { reason: 'reason' } },
    redactions: { family: 'mcp_redactions_total', labels: { detector: 'detector' } },
    auditRecords: { family: 'mcp_audit_records_total', failed: [eq('outcome', 'error')], labels: { outcome: 'outcome' } },
  },
};
