// The instrumentation variants every benchmark compares, side by side:
//   baseline      no instrumentation
//   prom-naive    the obvious prom-client transport wrapper: one histogram + one counter per request
//   otel-naive    the same two instruments with the OpenTelemetry JS metrics SDK
//   otel-signals  the same per-call work as full with the OpenTelemetry metrics SDK: the per-call metric
//                 signals full records, and the same log and audit lines (this project's Logger and AuditTrail)
//   full          this project's instrumentation (src/instrument), prom-client profile: every catalogue
//                 signal, JSON logs at info level to a file, audit trail on (each call's one record is its
//                 audit line; the log repeats failed calls only, the default logAuditedCalls)
//   full-otel     the same in the otel profile (semconv names, still prom-client underneath)
// and ablations that locate the full instrumentation's cost (in-process benchmark):
//   full-no-audit full without the audit trail (each call's record is its info request line)
//   full-metrics  full without audit and with logs at warning (no per-call log line): metrics only
//   full-als      full with the opt-in AsyncLocalStorage call context (asyncContext: true): its
//                 difference to full is what that context costs
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS, MESSAGE_SIZE_BUCKETS, type ProfileName } from '../src/catalog/index.js';
import { AuditTrail } from '../src/instrument/audit.js';
import { createInstrumentation, type LogLevel } from '../src/instrument/index.js';
import { Logger } from '../src/instrument/logger.js';
import { Redactor } from '../src/instrument/redact.js';
import type { ToolCallRecord } from '../src/instrument/tool-call-record.js';
import { applyToolResultPolicy, type ToolResultLike } from '../src/instrument/tool-results.js';
import { serverSpan } from '../src/instrument/trace.js';
import { carriesNoBytes } from '../src/instrument/wire-size.js';
import { SAMPLE_TOOL_NAMES, type ToolContext } from '../src/sample-server/tools/index.js';
import { NO_CONTEXT } from './workload.js';

export type TransportKind = 'stdio' | 'http';

export interface Instrumentation {
  /** Installs the wrapper on a server transport; call before server.connect(transport). */
  wrap(transport: Transport, kind: TransportKind): void;
  /** The /metrics body. */
  render(): Promise<string>;
  /** What the tools report tokens and cost to. */
  toolContext: ToolContext;
  /** Sees every HTTP request on /mcp before the transport (the full instrumentation's rejection middleware). */
  onHttpRequest?(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

export const VARIANTS = ['baseline', 'prom-naive', 'otel-naive', 'otel-signals', 'full', 'full-otel',
  'full-no-audit', 'full-metrics', 'full-als'] as const;
export type Variant = (typeof VARIANTS)[number];
/** The side-by-side comparison (the ablations are for locating cost, in process). */
export const COMPARED_VARIANTS: readonly Variant[] = ['baseline', 'prom-naive', 'otel-naive', 'otel-signals', 'full', 'full-otel'];

export function isVariant(name: unknown): name is Variant {
  return (VARIANTS as readonly unknown[]).includes(name);
}

/** One finished request as seen by a transport wrapper. */
interface Exchange {
  method: string;
  tool: string;
  seconds: number;
  ok: boolean;
  request: JSONRPCMessage;
  response: JSONRPCMessage;
}

/**
 * Calls `done` for every request the server answers: the message-level hook a naive wrapper uses
 * (inbound onmessage is chained by Protocol.connect, outbound send is wrapped).
 */
function onExchange(transport: Transport, done: (e: Exchange) => void): void {
  const pending = new Map<string | number, { started: number; request: JSONRPCMessage }>();
  transport.onmessage = (message) => {
    if ('method' in message && 'id' in message) pending.set(message.id, { started: performance.now(), request: message });
  };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if (('result' in message || 'error' in message) && message.id !== undefined) {
      const open = pending.get(message.id);
      if (open) {
        pending.delete(message.id);
        const req = open.request as { method: string; params?: { name?: unknown } };
        const tool = req.method === 'tools/call' && typeof req.params?.name === 'string' ? req.params.name : '';
        const isError = 'error' in message || (message.result as { isError?: boolean }).isError === true;
        done({ method: req.method, tool, seconds: (performance.now() - open.started) / 1000, ok: !isError,
          request: open.request, response: message });
      }
    }
    return send(message, options);
  };
}

function promNaive(): Instrumentation {
  const registry = new Registry();
  const duration = new Histogram({ name: 'mcp_request_duration_seconds', help: 'MCP request duration', labelNames: ['method', 'tool'],
    buckets: [...LATENCY_BUCKETS], registers: [registry] });
  const requests = new Counter({ name: 'mcp_requests_total', help: 'MCP requests', labelNames: ['method', 'tool', 'status'],
    registers: [registry] });
  return {
    wrap: (t) => onExchange(t, (e) => {
      duration.observe({ method: e.method, tool: e.tool }, e.seconds);
      requests.inc({ method: e.method, tool: e.tool, status: e.ok ? 'ok' : 'error' });
    }),
    render: () => registry.metrics(),
    toolContext: NO_CONTEXT,
    close: async () => registry.clear(),
  };
}

/** A MeterProvider whose Prometheus exporter serves no port: we render on demand like /metrics would. */
export function otelMeter() {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const serializer = new PrometheusSerializer();
  return {
    meter: provider.getMeter('mcp-bench'),
    async render(): Promise<string> {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    close: () => provider.shutdown(),
  };
}

function otelNaive(): Instrumentation {
  const otel = otelMeter();
  const duration = otel.meter.createHistogram('mcp.request.duration', { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
  const requests = otel.meter.createCounter('mcp.requests');
  return {
    wrap: (t) => onExchange(t, (e) => {
      duration.record(e.seconds, { method: e.method, tool: e.tool });
      requests.add(1, { method: e.method, tool: e.tool, status: e.ok ? 'ok' : 'error' });
    }),
    render: otel.render,
    toolContext: NO_CONTEXT,
    close: otel.close,
  };
}

/** The project's instrumentation as a server author would switch it on: everything, logs and audit to files. */
function full(profile: ProfileName, { audit = true, logLevel = 'info' as LogLevel, asyncContext = false } = {}): Instrumentation {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const instr = createInstrumentation({
    profile, tools: SAMPLE_TOOL_NAMES, logLevel,
    log: { file: join(dir, 'server.log') }, auditFile: audit ? join(dir, 'audit.jsonl') : undefined, asyncContext,
  });
  return {
    wrap: (t, kind) => { instr.instrumentTransport(t, { kind }); },
    render: () => instr.registry.metrics(),
    toolContext: instr,
    onHttpRequest: (req, res) => instr.httpMiddleware(req, res),
    close: async () => {
      await instr.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function messageType(m: JSONRPCMessage): string {
  if ('method' in m) return 'id' in m ? 'request' : 'notification';
  return 'error' in m ? 'error' : 'response';
}

/**
 * The OpenTelemetry metrics SDK doing the work `full` does per tool call: the same per-call metric
 * signals (requests, tool calls and duration, message sizes in and out, tool response size and
 * truncations, audit records) and the same log and audit lines, written by this project's Logger
 * and AuditTrail with the same fields. Only the metrics engine (and the naive sizing by
 * serialising) differs, so this is the alternative a server author would build with OTel.
 */
function otelSignals(): Instrumentation {
  const otel = otelMeter();
  const m = otel.meter;
  const requests = m.createCounter('mcp.requests');
  const size = m.createHistogram('mcp.message.size', { unit: 'By', advice: { explicitBucketBoundaries: [...MESSAGE_SIZE_BUCKETS] } });
  const toolCalls = m.createCounter('mcp.tool.invocations');
  const toolDuration = m.createHistogram('mcp.tool.duration', { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
  const responseSize = m.createHistogram('mcp.tool.response.size', { unit: 'By', advice: { explicitBucketBoundaries: [...MESSAGE_SIZE_BUCKETS] } });
  const truncated = m.createCounter('mcp.tool.responses.truncated');
  const auditRecords = m.createCounter('mcp.audit.records');
  const redactions = m.createCounter('mcp.redactions');
  const tokenCount = m.createCounter('mcp.tool.tokens');
  const cost = m.createCounter('mcp.tool.cost', { unit: 'USD' });
  // What tools reported for their call, by request id, until its response is recorded (one session here).
  const reported = new Map<string | number, { input: number; output: number; costUsd: number }>();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const logger = new Logger({ destination: { file: join(dir, 'server.log') }, level: 'info', maxLinesPerSecond: 1000 },
    new Redactor((detector) => redactions.add(1, { detector, location: 'log' })));
  const inputRedactor = new Redactor((detector) => redactions.add(1, { detector, location: 'input' }));
  const audit = new AuditTrail({ file: join(dir, 'audit.jsonl'), key: {}, redact: (v) => inputRedactor.redact(v),
    redactString: (s) => inputRedactor.redactString(s), onWrite: (outcome) => auditRecords.add(1, { outcome }) });
  let client: string | undefined;
  return {
    wrap: (t, kind) => {
      // Messages are sized where full sizes them: not on the in-memory transport, which has no bytes.
      const sized = !carriesNoBytes(t);
      onExchange(t, (e) => {
        const outcome = e.ok ? 'ok' : 'error';
        requests.add(1, { method: e.method, transport: kind, outcome });
        if (sized) {
          size.record(Buffer.byteLength(JSON.stringify(e.request)), { direction: 'in', type: messageType(e.request) });
          size.record(Buffer.byteLength(JSON.stringify(e.response)), { direction: 'out', type: messageType(e.response) });
        }
        const params = (e.request as { params?: Record<string, unknown> }).params;
        if (e.method === 'initialize') client = (params?.clientInfo as { name?: string } | undefined)?.name;
        if (e.method !== 'tools/call') return;
        const trace = serverSpan(params?._meta);
        const requestId = 'id' in e.request ? e.request.id : undefined;
        const tokens = requestId === undefined ? undefined : reported.get(requestId);
        if (tokens) {
          reported.delete(requestId!);
          if (tokens.input > 0) tokenCount.add(tokens.input, { tool: e.tool, token_type: 'input' });
          if (tokens.output > 0) tokenCount.add(tokens.output, { tool: e.tool, token_type: 'output' });
          if (tokens.costUsd > 0) cost.add(tokens.costUsd, { tool: e.tool });
        }
        toolCalls.add(1, { tool: e.tool, status: outcome });
        toolDuration.record(e.seconds, { tool: e.tool });
        // Measured as full measures it (no redaction or truncation policy set, as in full).
        if ('result' in e.response) responseSize.record(applyToolResultPolicy(e.response.result as ToolResultLike, {}).bytes, { tool: e.tool });
        truncated.add(0, { tool: e.tool });
        // One record per call, as full builds it: the audit line, and the log line for a failed call only (full's default with an audit file).
        const record: ToolCallRecord = {
          trace_id: trace.traceId, span_id: trace.spanId, parent_span_id: trace.parentSpanId, session_id: undefined,
          request_id: requestId!, transport: kind, client, subject: undefined, client_id: undefined, tool: e.tool, tool_label: e.tool,
          arguments: params?.arguments, outcome, error_type: e.ok ? undefined : 'tool_error', error_code: undefined,
          latency_ms: Math.round(e.seconds * 1e6) / 1000, tokens, task_id: undefined,
        };
        if (!e.ok) logger.toolCall('warning', record);
        audit.record(record);
      });
    },
    render: otel.render,
    toolContext: {
      reportTokens: ({ inputTokens = 0, outputTokens = 0, costUsd = 0 }, call) => {
        if (call) reported.set(call.requestId, { input: inputTokens, output: outputTokens, costUsd });
      },
    },
    close: async () => {
      logger.close();
      await audit.close();
      await otel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createVariant(name: Variant): Promise<Instrumentation> {
  switch (name) {
    case 'baseline':
      return { wrap: () => {}, render: async () => '', toolContext: NO_CONTEXT, close: async () => {} };
    case 'prom-naive':
      return promNaive();
    case 'otel-naive':
      return otelNaive();
    case 'otel-signals':
      return otelSignals();
    case 'full':
      return full('prom-client');
    case 'full-otel':
      return full('otel');
    case 'full-no-audit':
      return full('prom-client', { audit: false });
    case 'full-metrics':
      return full('prom-client', { audit: false, logLevel: 'warning' });
    case 'full-als':
      return full('prom-client', { asyncContext: true });
  }
}
