// otel profile: the OpenTelemetry MCP semantic conventions (Development status) as Prometheus
// stores them (UnderscoreEscapingWithSuffixes), plus the OpenTelemetry Node.js runtime metrics.
// Semconv has no counters: rates come from the operation-duration histogram's _count.
import type { Matcher, MetricFamily, Profile } from './types.js';
import { LATENCY_BUCKETS } from './buckets.js';

const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });
const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });
const nre = (label: string, value: string): Matcher => ({ label, op: '!~', value });

/**
 * JSON-RPC codes a server should not count as its own errors (semconv-genai mcp/common.yaml):
 * parse error, invalid request, method not found, invalid params, resource not found.
 */
export const OTEL_CALLER_ERROR_CODES = ['-32700', '-32600', '-32601', '-32602', '-32002'] as const;
const callerCodes = OTEL_CALLER_ERROR_CODES.join('|');

export const OTEL_OPERATION_FAMILY = 'mcp_server_operation_duration_seconds';
const OPERATION_LABELS = ['mcp_method_name', 'gen_ai_tool_name', 'gen_ai_prompt_name', 'error_type',
  'rpc_response_status_code', 'network_transport', 'mcp_protocol_version'] as const;
/** semconv network.transport: pipe for stdio, tcp for HTTP. */
const TRANSPORT_VALUES = { stdio: 'pipe', http: 'tcp' };
/** Tool error types as semconv spells error.type: a JSON-RPC code for protocol errors (MCP reports an unknown tool as -32602 too). */
const ERROR_TYPE_VALUES = { invalid_params: '-32602' };

const families: MetricFamily[] = [
  { name: OTEL_OPERATION_FAMILY, type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'mcp.server.operation.duration: MCP request or notification duration as observed on the server.',
    labelNames: OPERATION_LABELS, buckets: LATENCY_BUCKETS },
  { name: 'mcp_server_session_duration_seconds', type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'mcp.server.session.duration: duration of the MCP session as observed on the server.',
    labelNames: ['network_transport', 'mcp_protocol_version', 'error_type'], buckets: LATENCY_BUCKETS },
  { name: 'process_cpu_time_seconds_total', type: 'counter', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'process.cpu.time: total CPU seconds by mode.', labelNames: ['cpu_mode'] },
  { name: 'process_memory_usage_bytes', type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'process.memory.usage: resident memory in bytes.', labelNames: [] },
  { name: 'v8js_memory_heap_used_bytes', type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'v8js.memory.heap.used: V8 heap used, by heap space.', labelNames: ['v8js_heap_space_name'] },
  { name: 'v8js_memory_heap_limit_bytes', type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'v8js.memory.heap.limit: V8 heap limit, by heap space.', labelNames: ['v8js_heap_space_name'] },
  { name: 'nodejs_eventloop_delay_p99_seconds', type: 'gauge', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'nodejs.eventloop.delay.p99: 99th percentile of event loop delay.', labelNames: [] },
  { name: 'v8js_gc_duration_seconds', type: 'histogram', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'v8js.gc.duration: garbage collection duration by type.', labelNames: ['v8js_gc_type'],
    buckets: [0.01, 0.1, 1, 10] },
];

const operationLabels = { method: 'mcp_method_name', transport: 'network_transport', protocolVersion: 'mcp_protocol_version',
  errorType: 'error_type', code: 'rpc_response_status_code' } as const;
const failed = [ne('error_type', '')];

export const otelProfile: Profile = {
  name: 'otel',
  description: 'OpenTelemetry MCP semantic conventions as Prometheus stores them; what third-party servers export.',
  families,
  signals: {
    handshakes: { family: OTEL_OPERATION_FAMILY, part: 'count', matchers: [eq('mcp_method_name', 'initialize')],
      failed, labels: operationLabels, values: { transport: TRANSPORT_VALUES } },
    sessionDuration: { family: 'mcp_server_session_duration_seconds', labels: { transport: 'network_transport' },
      values: { transport: TRANSPORT_VALUES } },
    requests: { family: OTEL_OPERATION_FAMILY, part: 'count', failed, labels: operationLabels,
      values: { transport: TRANSPORT_VALUES } },
    jsonrpcErrors: { family: OTEL_OPERATION_FAMILY, part: 'count', matchers: [ne('rpc_response_status_code', '')],
      labels: operationLabels },
    toolCalls: { family: OTEL_OPERATION_FAMILY, part: 'count', matchers: [eq('mcp_method_name', 'tools/call')],
      failed, labels: { ...operationLabels, tool: 'gen_ai_tool_name' },
      values: { transport: TRANSPORT_VALUES, errorType: ERROR_TYPE_VALUES } },
    toolDuration: { family: OTEL_OPERATION_FAMILY, matchers: [eq('mcp_method_name', 'tools/call')],
      labels: { ...operationLabels, tool: 'gen_ai_tool_name' } },
    toolErrors: { family: OTEL_OPERATION_FAMILY, part: 'count', matchers: [eq('mcp_method_name', 'tools/call'), ...failed],
      labels: { ...operationLabels, tool: 'gen_ai_tool_name' },
      callerFailed: [re('error_type', callerCodes)], serverFailed: [nre('error_type', callerCodes)],
      values: { transport: TRANSPORT_VALUES, errorType: ERROR_TYPE_VALUES } },
    cpuSeconds: { family: 'process_cpu_time_seconds_total', labels: { cpuState: 'cpu_mode' } },
    residentMemory: { family: 'process_memory_usage_bytes', labels: {} },
    heapUsed: { family: 'v8js_memory_heap_used_bytes', labels: { heapSpace: 'v8js_heap_space_name' } },
    heapLimit: { family: 'v8js_memory_heap_limit_bytes', labels: { heapSpace: 'v8js_heap_space_name' } },
    eventLoopLag: { family: 'nodejs_eventloop_delay_p99_seconds', labels: {} },
    gcDuration: { family: 'v8js_gc_duration_seconds', labels: { gcKind: 'v8js_gc_type' } },
  },
};
