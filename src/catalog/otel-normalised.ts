// The otel profile's one normalisation step. Exporters spell the same OpenTelemetry metric
// differently: the OTel JS Prometheus exporter writes no unit suffix (mcp_server_operation_duration),
// the Go exporter and the Collector do (…_seconds), each adds its scope labels; Node runtime metrics
// changed between instrumentation-runtime-node releases (0.34 renamed v8js.memory.heap.limit v8js.memory.heap.space.size); Go and Python processes export
// process_cpu_seconds_total where Node host metrics export process.cpu.time. First-level recording
// rules write one canonical family per signal (prefix `otel:`) from every spelling, and every other
// rule and panel of the profile reads only those.
import { LATENCY_BUCKETS } from './buckets.js';
import type { NormalisedFamily } from './types.js';

/** Prefix of the families the normalisation rules write (a recording-rule level, hence the colon). */
export const NORMALISED_PREFIX = 'otel:';

/** Labels the OTel Prometheus exporters put on every series: they name the meter, not the server. */
export const OTEL_SCOPE_LABELS = ['otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url'] as const;

export const OTEL_OPERATION_LABELS = ['mcp_method_name', 'gen_ai_tool_name', 'gen_ai_prompt_name', 'error_type',
  'rpc_response_status_code', 'network_transport', 'mcp_protocol_version'] as const;

/**
 * error.type of a call naming a tool the server does not have, on the canonical series. Semconv has
 * no value for it (servers write -32602, _OTHER or tool_error); the canonical series need one so an
 * unknown tool is never counted as a validation or a server error.
 */
export const UNKNOWN_TOOL_ERROR_TYPE = 'unknown_tool';
/** gen_ai.tool.name values servers write for a name they do not have (others write the raw name). */
export const UNKNOWN_TOOL_NAMES = ['_OTHER', 'unknown'] as const;
/** error.type values servers give a call to a tool they do not have: the spec's -32602 and the catch-all _OTHER. */
export const UNKNOWN_TOOL_CODES = ['-32602', '_OTHER'] as const;

const n = (name: string) => `${NORMALISED_PREFIX}${name}`;

export const NORMALISED = {
  operations: {
    name: n('mcp_server_operation_duration_seconds'), type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'mcp.server.operation.duration in one spelling; error.type filled from the status code; unknown tools as _OTHER / unknown_tool.',
    labelNames: OTEL_OPERATION_LABELS, buckets: LATENCY_BUCKETS,
    exported: 'mcp_server_operation_duration(_seconds)?', combine: 'sum', drop: OTEL_SCOPE_LABELS, classify: 'operations',
  },
  sessions: {
    name: n('mcp_server_session_duration_seconds'), type: 'histogram', unit: 'seconds', layer: 'transport',
    help: 'mcp.server.session.duration in one spelling.', labelNames: ['network_transport', 'mcp_protocol_version', 'error_type'],
    buckets: LATENCY_BUCKETS, exported: 'mcp_server_session_duration(_seconds)?', combine: 'sum', drop: OTEL_SCOPE_LABELS,
  },
  presence: {
    name: n('target_info'), type: 'gauge', unit: 'none', layer: 'resource',
    help: 'target_info, 1 per process: every OpenTelemetry Prometheus exporter writes it, whatever the language.',
    labelNames: [], exported: 'target_info', combine: 'max', drop: [],
  },
  cpuSeconds: {
    name: n('process_cpu_seconds_total'), type: 'counter', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'CPU seconds of the process, all modes: process.cpu.time (Node host metrics) or process_cpu_seconds_total (Go, Python).',
    labelNames: [], exported: 'process_cpu_time(_seconds)?_total|process_cpu_seconds_total', combine: 'sum',
    drop: [...OTEL_SCOPE_LABELS, 'cpu_mode', 'process_cpu_state'],
  },
  residentMemory: {
    name: n('process_resident_memory_bytes'), type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'Resident memory: process.memory.usage (Node host metrics) or process_resident_memory_bytes (Go, Python).',
    labelNames: [], exported: 'process_memory_usage(_bytes)?|process_resident_memory_bytes', combine: 'max', drop: OTEL_SCOPE_LABELS,
  },
  heapUsed: {
    name: n('v8js_memory_heap_used_bytes'), type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'v8js.memory.heap.used by heap space, in one spelling.', labelNames: ['v8js_heap_space_name'],
    exported: 'v8js_memory_heap_used(_bytes)?', combine: 'sum', drop: OTEL_SCOPE_LABELS,
  },
  heapLimit: {
    name: n('v8js_memory_heap_limit_bytes'), type: 'gauge', unit: 'bytes', layer: 'resource', runtime: true,
    help: 'The heap size by space: v8js.memory.heap.limit, or v8js.memory.heap.space.size, its replacement (instrumentation-runtime-node 0.34 and later) with the same value (space_size).',
    labelNames: ['v8js_heap_space_name'], exported: 'v8js_memory_heap_limit(_bytes)?|v8js_memory_heap_space_size(_bytes)?', combine: 'sum', drop: OTEL_SCOPE_LABELS,
  },
  eventLoopLag: {
    name: n('nodejs_eventloop_delay_p99_seconds'), type: 'gauge', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'nodejs.eventloop.delay.p99 in one spelling.', labelNames: [],
    exported: 'nodejs_eventloop_delay_p99(_seconds)?', combine: 'max', drop: OTEL_SCOPE_LABELS,
  },
  gcDuration: {
    name: n('v8js_gc_duration_seconds'), type: 'histogram', unit: 'seconds', layer: 'resource', runtime: true,
    help: 'v8js.gc.duration by GC type, in one spelling.', labelNames: ['v8js_gc_type'], buckets: [0.01, 0.1, 1, 10],
    exported: 'v8js_gc_duration(_seconds)?', combine: 'sum', drop: OTEL_SCOPE_LABELS,
  },
} as const satisfies Record<string, NormalisedFamily>;

/** A regex of every name servers export a normalised family under (one histogram part of it). */
export function exportedNames(f: NormalisedFamily, part?: 'count' | 'sum' | 'bucket'): string {
  return part ? `(${f.exported})_${part}` : f.exported;
}
