// Records observations into the prom-client profile's families. A request's writes go to series
// bound once per (method, transport), per tool and per message kind: no label object and no
// label lookup per call. Other per-request writes go through CounterSeries/HistogramSeries
// (label sets resolved once); rare events use prom-client directly.
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { CatalogMetrics } from './families.js';
import { RATE_LIMITED_CODE } from './rate-limit.js';
import type { MessageType, OperationEvent, Recorder, TransportKind } from './events.js';
import { CounterSeries, GaugeSeries, HistogramSeries, type BoundCounter, type BoundGauge, type BoundHistogram } from './series.js';

/** mcp_requests_total of one method on one transport, by outcome. */
interface MethodSeries { ok: BoundCounter; error: BoundCounter }
/** One tool's series written on every call. */
interface ToolSeries {
  inFlight: BoundGauge;
  corrections: BoundCounter;
  ok: BoundCounter;
  error: BoundCounter;
  duration: BoundHistogram;
  responseSize: BoundHistogram;
  truncated: BoundCounter;
  /** Bound at the tool's first report of each (a series appears with its first non-zero value, as before). */
  inputTokens: BoundCounter | undefined;
  outputTokens: BoundCounter | undefined;
  cost: BoundCounter | undefined;
}

/** One resource's series, made at its first read: every status starts at 0, so increase() and ratios see the first failure. */
interface ResourceSeries { ok: BoundCounter; not_found: BoundCounter; error: BoundCounter; size: BoundHistogram }
/** One prompt's series, both statuses from its first get. */
interface PromptSeries { ok: BoundCounter; error: BoundCounter }

const MESSAGE_TYPES: readonly MessageType[] = ['request', 'response', 'notification', 'error'];
/** Index of a message kind in the bound message-size series: direction, then type. */
function messageIndex(direction: 'in' | 'out', type: MessageType): number {
  const t = type === 'request' ? 0 : type === 'response' ? 1 : type === 'notification' ? 2 : 3;
  return direction === 'in' ? t : 4 + t;
}

/** `bind` run once per label value, its series kept for every later write with that value. */
function boundOnce<S>(bind: (label: string) => S): (label: string) => S {
  const bound = new Map<string, S>();
  return (label) => {
    let s = bound.get(label);
    if (s === undefined) {
      s = bind(label);
      bound.set(label, s);
    }
    return s;
  };
}

export function promClientRecorder(m: CatalogMetrics): Recorder {
  const c = (name: string) => m.maybe<Counter<string>>(name)!;
  const g = (name: string) => m.maybe<Gauge<string>>(name)!;
  const h = (name: string) => m.maybe<Histogram<string>>(name)!;
  const handshakes = c('mcp_handshakes_total');
  const sessionDuration = h('mcp_session_duration_seconds');
  const active = g('mcp_active_connections');
  const idle = g('mcp_idle_sessions');
  const reaped = c('mcp_sessions_reaped_total');
  const sessionsClosed = c('mcp_sessions_closed_total');
  const reconnections = c('mcp_reconnections_total');
  const clientSessions = g('mcp_client_sessions');
  const clientCalls = new CounterSeries(c('mcp_client_tool_calls_total'));
  // Client names are bounded (configured plus the first maxClientNames seen): this map stays small.
  const callsByClient = new Map<string, { ok: BoundCounter; error: BoundCounter }>();
  const inFlight = new GaugeSeries(g('mcp_requests_in_flight'));
  const requests = new CounterSeries(c('mcp_requests_total'));
  const rpcErrors = c('mcp_jsonrpc_errors_total');
  const protocolRequests = new CounterSeries(c('mcp_protocol_version_requests_total'));
  // Negotiated versions are the server's own answers: a handful of values.
  const byProtocolVersion = new Map<string, BoundCounter>();
  const messageSize = new HistogramSeries(h('mcp_message_size_bytes'));
  const invocations = new CounterSeries(c('mcp_tool_invocations_total'));
  const toolDuration = new HistogramSeries(h('mcp_tool_duration_seconds'));
  const toolErrors = c('mcp_tool_errors_total');
  const tokens = new CounterSeries(c('mcp_tool_tokens_total'));
  const cost = new CounterSeries(c('mcp_tool_cost_usd_total'));
  const tasks = c('mcp_agent_tasks_total');
  const turns = h('mcp_agent_task_turns');
  const hallucinations = c('mcp_tool_hallucinations_total');
  const selfCorrections = new CounterSeries(c('mcp_tool_self_corrections_total'));
  const authFailures = c('mcp_auth_failures_total');
  const rejected = c('mcp_rejected_requests_total');
  const redactions = new CounterSeries(c('mcp_redactions_total'));
  const audit = new CounterSeries(c('mcp_audit_records_total'));
  const unknown = c('mcp_unknown_requests_total');
  const definitions = g('mcp_tool_definition_info');
  const definitionChanges = c('mcp_tool_definition_changes_total');
  const registered = g('mcp_registered_tools');
  const responseSize = new HistogramSeries(h('mcp_tool_response_size_bytes'));
  const truncated = new CounterSeries(c('mcp_tool_responses_truncated_total'));
  const throttled = c('mcp_throttled_requests_total');
  const limitedClients = g('mcp_rate_limited_clients');
  const resourceReads = new CounterSeries(c('mcp_resource_reads_total'));
  const resourceSize = new HistogramSeries(h('mcp_resource_response_size_bytes'));
  const promptGets = new CounterSeries(c('mcp_prompt_gets_total'));

  // Method, tool, resource and prompt labels are bounded (registered names, or _OTHER): these
  // caches stay small.
  const methodsOn = {
    http: boundOnce((method): MethodSeries => ({
      ok: requests.bind({ method, transport: 'http', outcome: 'ok' }), error: requests.bind({ method, transport: 'http', outcome: 'error' }) })),
    stdio: boundOnce((method): MethodSeries => ({
      ok: requests.bind({ method, transport: 'stdio', outcome: 'ok' }), error: requests.bind({ method, transport: 'stdio', outcome: 'error' }) })),
  };
  const methodSeries = (method: string, transport: TransportKind): MethodSeries =>
    (transport === 'http' ? methodsOn.http : methodsOn.stdio)(method);
  const toolSeries = boundOnce((tool): ToolSeries => ({
    inFlight: inFlight.bind({ method: 'tools/call', tool }),
    corrections: selfCorrections.bind({ tool }),
    ok: invocations.bind({ tool, status: 'ok' }), error: invocations.bind({ tool, status: 'error' }),
    duration: toolDuration.bind({ tool }), responseSize: responseSize.bind({ tool }), truncated: truncated.bind({ tool }),
    inputTokens: undefined, outputTokens: undefined, cost: undefined,
  }));
  const resourceSeries = boundOnce((resource): ResourceSeries => {
    const read = (status: string) => resourceReads.bind({ resource, status });
    return { ok: read('ok'), not_found: read('not_found'), error: read('error'), size: resourceSize.bind({ resource }) };
  });
  const promptSeries = boundOnce((prompt): PromptSeries =>
    ({ ok: promptGets.bind({ prompt, status: 'ok' }), error: promptGets.bind({ prompt, status: 'error' }) }));
  const methodInFlight = boundOnce((method) => inFlight.bind({ method }));
  const messageSizes: (BoundHistogram | undefined)[] = new Array(8).fill(undefined);

  return {
    operation(e: OperationEvent) {
      if (!e.isRequest) return;
      const failed = e.code !== undefined || e.toolError !== undefined;
      const method = methodSeries(e.method, e.transport);
      (failed ? method.error : method.ok).inc();
      let version = byProtocolVersion.get(e.protocolVersion);
      if (version === undefined) {
        byProtocolVersion.set(e.protocolVersion, (version = protocolRequests.bind({ protocol_version: e.protocolVersion || undefined })));
      }
      version.inc();
      if (e.code !== undefined) rpcErrors.inc({ method: e.method, code: e.code });
      if (e.method !== 'tools/call' || e.tool === undefined) return;
      const tool = toolSeries(e.tool);
      (failed ? tool.error : tool.ok).inc();
      tool.duration.observe(e.seconds, e.traceId, e.spanId);
      if (e.toolError) toolErrors.inc({ tool: e.tool, error_type: e.toolError });
    },
    message(direction, type, bytes) {
      const i = messageIndex(direction, type);
      (messageSizes[i] ??= messageSize.bind({ direction, type: MESSAGE_TYPES[i % 4]! })).observe(bytes);
    },
    handshake(transport, ok, clientName, protocolVersion) {
      handshakes.inc({ transport, outcome: ok ? 'success' : 'failure', client_name: clientName, protocol_version: protocolVersion });
      // The client's reconnection series exists from its first session on, so increase() sees the first reconnection.
      if (ok) reconnections.inc({ transport, client_name: clientName }, 0);
    },
    sessionOpened(transport, clientName) {
      active.inc({ transport });
      clientSessions.inc({ transport, client_name: clientName });
    },
    clientToolCall(clientName, failed) {
      let s = callsByClient.get(clientName);
      if (s === undefined) {
        s = { ok: clientCalls.bind({ client_name: clientName, status: 'ok' }), error: clientCalls.bind({ client_name: clientName, status: 'error' }) };
        callsByClient.set(clientName, s);
      }
      (failed ? s.error : s.ok).inc();
    },
    sessionClosed(transport, seconds, _protocolVersion, reason, clientName) {
      active.dec({ transport });
      clientSessions.dec({ transport, client_name: clientName });
      sessionDuration.observe({ transport }, seconds);
      if (reason === 'reaped_idle') reaped.inc({ transport });
      sessionsClosed.inc({ transport, reason, client_name: clientName });
    },
    reconnection(transport, clientName) {
      reconnections.inc({ transport, client_name: clientName });
    },
    inFlight(method, tool, delta) {
      if (tool !== undefined) {
        toolSeries(tool).inFlight.add(delta);
        return;
      }
      methodInFlight(method).add(delta);
    },
    idleSessions(transport, count) {
      idle.set({ transport }, count);
    },
    selfCorrection(tool, count) {
      toolSeries(tool).corrections.inc(count);
    },
    hallucination(tool, kind) {
      hallucinations.inc({ tool, kind });
    },
    tokens(tool, input, output, costUsd) {
      const s = toolSeries(tool);
      if (input > 0) (s.inputTokens ??= tokens.bind({ tool, token_type: 'input' })).inc(input);
      if (output > 0) (s.outputTokens ??= tokens.bind({ tool, token_type: 'output' })).inc(output);
      if (costUsd > 0) (s.cost ??= cost.bind({ tool })).inc(costUsd);
    },
    task(outcome, taskTurns) {
      tasks.inc({ outcome });
      turns.observe({ outcome }, taskTurns);
    },
    rejected(reason, code, method) {
      rejected.inc({ reason });
      if (code !== undefined) rpcErrors.inc({ method, code });
    },
    authFailure(reason, client) {
      authFailures.inc({ reason, client });
    },
    redaction(detector, location) {
      redactions.inc({ detector, location });
    },
    unknownRequest(clientName, kind) {
      unknown.inc({ client_name: clientName, kind });
    },
    toolDefinition(tool, fingerprint, served) {
      if (served) definitions.set({ tool, fingerprint }, 1);
      else definitions.remove({ tool, fingerprint });
    },
    toolDefinitionTracked(tool) {
      definitionChanges.inc({ tool, change: 'modified' }, 0);
      definitionChanges.inc({ tool, change: 'removed' }, 0);
    },
    toolDefinitionChange(tool, change) {
      definitionChanges.inc({ tool, change });
    },
    registeredTools(count) {
      registered.set(count);
    },
    toolResponse(tool, bytes, wasTruncated) {
      const s = toolSeries(tool);
      s.responseSize.observe(bytes);
      // The series exists from the first response on, so increase() sees the first truncation.
      s.truncated.inc(wasTruncated ? 1 : 0);
    },
    auditRecord(outcome) {
      audit.inc({ outcome });
    },
    throttled(clientName, tool, limit) {
      throttled.inc({ client_name: clientName, tool, limit });
      if (limit === 'external') return; // the server's own limiter answered: its HTTP 429 is counted by the middleware
      rejected.inc({ reason: 'rate_limited' });
      rpcErrors.inc({ method: 'tools/call', code: String(RATE_LIMITED_CODE) });
    },
    limitedClients(count) {
      limitedClients.set(count);
    },
    resourceRead(resource, status, bytes) {
      const s = resourceSeries(resource);
      s[status].inc();
      if (bytes !== undefined) s.size.observe(bytes);
    },
    promptGet(prompt, ok) {
      const s = promptSeries(prompt);
      (ok ? s.ok : s.error).inc();
    },
  };
}
