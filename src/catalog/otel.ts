// otel profile: the OpenTelemetry MCP semantic conventions (Development status) and the
// OpenTelemetry runtime metrics. `families` are what our own instrumentation exports (the
// UnderscoreEscapingWithSuffixes spelling); the signals read the canonical families the profile's
// normalisation rules write from whatever spelling an exporter used (otel-normalised.ts).
// Semconv has no counters: rates come from the operation-duration histogram's _count.
import type { Matcher, MetricFamily, Profile } from './types.js';
import { LATENCY_BUCKETS } from './buckets.js';
import { NORMALISED, OTEL_OPERATION_LABELS, UNKNOWN_TOOL_ERROR_TYPE } from './otel-normalised.js';

const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });
const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });
const nre = (label: string, value: string): Matcher => ({ label, op: '!~', value });

/**
 * error.type values a server should not count as its own errors: the JSON-RPC codes of
 * semconv-genai mcp/common.yaml (parse error, invalid request, method not found, invalid params,
 * resource not found) and the canonical series' unknown tool.
 */
export const OTEL_CALLER_ERROR_CODES = ['-32700', '-32600', '-32601', '-32602', '-32002', UNKNOWN_TOOL_ERROR_TYPE] as const;
const callerCodes = OTEL_CALLER_ERROR_CODES.join('|');

/** The operation histogram as our instrumentation exports it. */
export const OTEL_OPERATION_FAMILY = 'mcp_server_operation_duration_seconds';
/** The session histogram as our instrumentation exports it. */
export const OTEL_SESSION_FAMILY = 'mcp_server_session_duration_seconds';
/** semconv network.transport: pipe for stdio, tcp for HTTP. */
const TRANSPORT_VALUES = { stdio: 'pipe', http: 'tcp' };
/** Tool error types as the canonical series spell error.type: the JSON-RPC code, and our value for an unknown tool. */
const ERROR_TYPE_VALUES = { invalid_params: '-32602', unknown_tool: UNKNOWN_TOOL_ERROR_TYPE };
/** The requests that start a conversation: 2025-era initialize and its 2026-07-28 successor. */
export const OTEL_HANDSHAKE_METHODS = ['initialize', 'server/discover'] as const;

const families: MetricFamily[] = [
  { name: OTEL_OPERATION_FAMILY, type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'mcp.server.operation.duration: MCP request or notification duration as observed on the server.',
    labelNames: OTEL_OPERATION_LABELS, buckets: LATENCY_BUCKETS },
  { name: OTEL_SESSION_FAMILY, type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'mcp.server.session.duration: duration of the MCP session as observed on the server.',
    labelNames: ['network_transport', 'mcp_protocol_version', 'error_type'], buckets: LATENCY_BUCKETS },
  { name: 'target_info', type: 'gauge', unit: 'none', layer: 'resource', runtime: true,
    help: 'Target metadata, 1 per process, as every OpenTelemetry Prometheus exporter writes it.', labelNames: [] },
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

const ops = NORMALISED.operations.name;

export const otelProfile: Profile = {
  name: 'otel',
  description: 'OpenTelemetry MCP semantic conventions, as any exporter spells them (normalised by the profile\'s first rules).',
  families,
  normalised: Object.values(NORMALISED),
  signals: {
    handshakes: { family: ops, part: 'count', matchers: [re('mcp_method_name', OTEL_HANDSHAKE_METHODS.join('|'))],
      failed, labels: operationLabels, values: { transport: TRANSPORT_VALUES } },
    sessionDuration: { family: NORMALISED.sessions.name, labels: { transport: 'network_transport' },
      values: { transport: TRANSPORT_VALUES } },
    requests: { family: ops, part: 'count', failed, labels: operationLabels,
      values: { transport: TRANSPORT_VALUES } },
    // mcp.protocol.version is on every operation already.
    requestProtocolVersions: { family: ops, part: 'count', labels: operationLabels },
    jsonrpcErrors: { family: ops, part: 'count', matchers: [ne('rpc_response_status_code', '')],
      labels: operationLabels },
    toolCalls: { family: ops, part: 'count', matchers: [eq('mcp_method_name', 'tools/call')],
      failed, labels: { ...operationLabels, tool: 'gen_ai_tool_name' },
      values: { transport: TRANSPORT_VALUES, errorType: ERROR_TYPE_VALUES } },
    toolDuration: { family: ops, matchers: [eq('mcp_method_name', 'tools/call')],
      labels: { ...operationLabels, tool: 'gen_ai_tool_name' } },
    toolErrors: { family: ops, part: 'count', matchers: [eq('mcp_method_name', 'tools/call'), ...failed],
      labels: { ...operationLabels, tool: 'gen_ai_tool_name' },
      callerFailed: [re('error_type', callerCodes)], serverFailed: [nre('error_type', callerCodes)],
      values: { transport: TRANSPORT_VALUES, errorType: ERROR_TYPE_VALUES } },
    // mcp.resource.uri is opt-in on metrics (cardinality): reads are counted, not told apart by resource.
    resourceReads: { family: ops, part: 'count', matchers: [eq('mcp_method_name', 'resources/read')],
      failed, callerFailed: [re('error_type', callerCodes)], serverFailed: [...failed, nre('error_type', callerCodes)],
      labels: operationLabels, values: { transport: TRANSPORT_VALUES } },
    promptGets: { family: ops, part: 'count', matchers: [eq('mcp_method_name', 'prompts/get')],
      failed, labels: { ...operationLabels, prompt: 'gen_ai_prompt_name' }, values: { transport: TRANSPORT_VALUES } },
    presence: { family: NORMALISED.presence.name, labels: {} },
    cpuSeconds: { family: NORMALISED.cpuSeconds.name, labels: {} },
    residentMemory: { family: NORMALISED.residentMemory.name, labels: {} },
    heapUsed: { family: NORMALISED.heapUsed.name, labels: { heapSpace: 'v8js_heap_space_name' } },
    heapLimit: { family: NORMALISED.heapLimit.name, labels: { heapSpace: 'v8js_heap_space_name' } },
    eventLoopLag: { family: NORMALISED.eventLoopLag.name, labels: {} },
    gcDuration: { family: NORMALISED.gcDuration.name, labels: { gcKind: 'v8js_gc_type' } },
  },
};
