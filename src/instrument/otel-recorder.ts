// Records observations into the otel profile's families: the semconv operation and session
// histograms. Signals the conventions lack (tokens, tasks, sessions gauges, security counters)
// have no family in this profile and are not recorded as metrics (logs and audit still carry them).
import type { Histogram } from 'prom-client';
import { OTEL_OPERATION_FAMILY, OTEL_SESSION_FAMILY, spelling } from '@mcp-observability/catalog';
import type { CatalogMetrics } from './families.js';
import type { OperationEvent, Recorder, TransportKind } from './events.js';
import { HistogramSeries } from './series.js';

export function otelRecorder(m: CatalogMetrics): Recorder {
  const operationFamily = m.maybe<Histogram<string>>(OTEL_OPERATION_FAMILY)!;
  const operations = new HistogramSeries(operationFamily);
  const sessions = m.maybe<Histogram<string>>(OTEL_SESSION_FAMILY)!;
  // semconv network.transport spelling of our transport kinds (pipe / tcp), from the catalogue.
  const networkTransport = spelling(m.profile, 'requests')!.values!.transport!;
  const nt = (t: TransportKind) => networkTransport[t] ?? t;
  const noop = () => {};

  return {
    operation(e: OperationEvent) {
      // Caller mistakes the SDK reports as isError results are spelled as the -32602 the spec
      // asks for, so availability SLOs exclude them like any other caller error code.
      const callerToolError = e.toolError === 'unknown_tool' || e.toolError === 'invalid_params';
      const errorType = e.code ?? (callerToolError ? '-32602' : e.toolError ? 'tool_error' : undefined);
      // Absent attributes are left out of the series, not written as label="" (Prometheus stores
      // both alike; the empty ones were ~23 % of the exposition's bytes).
      operations.observe({
        mcp_method_name: e.method, gen_ai_tool_name: e.tool, gen_ai_prompt_name: e.prompt,
        error_type: errorType, rpc_response_status_code: e.code, network_transport: nt(e.transport),
        mcp_protocol_version: e.protocolVersion || undefined,
      }, e.seconds, e.traceId === undefined ? undefined : { trace_id: e.traceId, span_id: e.spanId! });
    },
    sessionClosed(transport, seconds, protocolVersion, reason) {
      const labels: Record<string, string> = { network_transport: nt(transport) };
      if (protocolVersion) labels.mcp_protocol_version = protocolVersion;
      if (reason === 'reaped_idle') labels.error_type = 'timeout';
      else if (reason === 'transport_error') labels.error_type = 'transport_error';
      sessions.observe(labels, seconds);
    },
    rejected(_reason, code, method, seconds) {
      if (code === undefined) return;
      operationFamily.observe({
        labels: { mcp_method_name: method, error_type: code, rpc_response_status_code: code, network_transport: 'tcp' },
        value: seconds,
      });
    },
    message: noop, handshake: noop, sessionOpened: noop, idleSessions: noop, hallucination: noop, tokens: noop,
    task: noop, authFailure: noop, redaction: noop, auditRecord: noop, unknownRequest: noop, toolDefinition: noop,
    toolDefinitionTracked: noop, toolDefinitionChange: noop, registeredTools: noop, toolResponse: noop,
    // The operation histogram counts reads and gets (method, prompt name, error.type) already.
    resourceRead: noop, promptGet: noop, reconnection: noop, inFlight: noop,
    // No semconv for rate limiting: refused calls are not recorded as operations (they reached no handler).
    throttled: noop, limitedClients: noop, selfCorrection: noop, clientToolCall: noop,
  };
}
