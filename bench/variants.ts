// The instrumentation variants every benchmark compares, side by side:
//   baseline      no instrumentation
//   prom-naive    the obvious prom-client transport wrapper: one histogram + one counter per request
//   otel-naive    the same two instruments with the OpenTelemetry JS metrics SDK
//   otel-signals  the OpenTelemetry SDK recording the per-call metric signals our full instrumentation
//                 records (requests, tool calls, tool duration, message sizes in and out)
//   full          this project's instrumentation (src/instrument), prom-client profile: every catalogue
//                 signal, JSON logs at info level to a file, audit trail on
//   full-otel     the same in the otel profile (semconv names, still prom-client underneath)
// and ablations that locate the full instrumentation's cost (in-process benchmark):
//   full-no-audit full without the audit trail
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
import { createInstrumentation, type LogLevel } from '../src/instrument/index.js';
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

function otelSignals(): Instrumentation {
  const otel = otelMeter();
  const m = otel.meter;
  const requests = m.createCounter('mcp.requests');
  const size = m.createHistogram('mcp.message.size', { unit: 'By', advice: { explicitBucketBoundaries: [...MESSAGE_SIZE_BUCKETS] } });
  const toolCalls = m.createCounter('mcp.tool.invocations');
  const toolDuration = m.createHistogram('mcp.tool.duration', { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
  return {
    wrap: (t, kind) => onExchange(t, (e) => {
      const outcome = e.ok ? 'ok' : 'error';
      requests.add(1, { method: e.method, transport: kind, outcome });
      size.record(Buffer.byteLength(JSON.stringify(e.request)), { direction: 'in', type: messageType(e.request) });
      size.record(Buffer.byteLength(JSON.stringify(e.response)), { direction: 'out', type: messageType(e.response) });
      if (e.method === 'tools/call') {
        toolCalls.add(1, { tool: e.tool, status: outcome });
        toolDuration.record(e.seconds, { tool: e.tool });
      }
    }),
    render: otel.render,
    toolContext: NO_CONTEXT,
    close: otel.close,
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
