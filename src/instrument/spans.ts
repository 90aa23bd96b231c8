// Server spans per the OpenTelemetry MCP conventions: one SERVER span per JSON-RPC request,
// named `{mcp.method.name} {target}`, a child of the caller's `params._meta.traceparent` when
// valid. The span's ids are the ids the library puts in logs, audit lines and exemplars.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Span,
  type Tracer } from '@opentelemetry/api';
import { OVERFLOW_VALUE } from '@mcp-observability/catalog';
import type { TaskMeta } from './agent-convention.js';
import type { ToolErrorType, TransportKind } from './events.js';
import { parseTraceparent, type TraceContext } from './trace.js';

/** Where the task convention (`_meta["dev.mcp-observability/task"]`) lands on the span. */
export const TASK_ID_ATTRIBUTE = 'dev.mcp_observability.task.id';
export const TASK_TURN_ATTRIBUTE = 'dev.mcp_observability.task.turn';

const NETWORK_TRANSPORT: Record<TransportKind, string> = { stdio: 'pipe', http: 'tcp' };
const MAX_ATTRIBUTE_LENGTH = 256;

export interface SpanRequest {
  /** Raw JSON-RPC method; the span name uses `methodLabel` so names stay few. */
  method: string;
  methodLabel: string;
  requestId: string | number;
  /** Bounded tool or prompt label for the name; the raw name goes in the attribute. */
  targetLabel?: string;
  tool?: string;
  prompt?: string;
  sessionId?: string;
  protocolVersion: string;
  transport: TransportKind;
  task?: TaskMeta;
  meta: unknown;
}

export interface SpanOutcome {
  /** JSON-RPC error of the response. */
  error?: { code: number; message: string };
  /** Failed tools/call class (isError results, cancellation). */
  toolError?: ToolErrorType;
  /** Text of an isError result. */
  message?: string;
  protocolVersion: string;
}

/** semconv error.type: the JSON-RPC code; caller mistakes the SDK answers as isError are its -32602. */
function errorType(outcome: SpanOutcome): string | undefined {
  if (outcome.error) return String(outcome.error.code);
  switch (outcome.toolError) {
    case undefined: return undefined;
    case 'unknown_tool': case 'invalid_params': return '-32602';
    case 'timeout': return 'timeout';
    case 'tool_error': return 'tool_error';
    default: return OVERFLOW_VALUE;
  }
}

const clip = (s: string) => (s.length > MAX_ATTRIBUTE_LENGTH ? s.slice(0, MAX_ATTRIBUTE_LENGTH) : s);

export class ServerSpans {
  /** `redact` cleans client-supplied text (method, tool and prompt names, request and task ids, error texts) before it reaches a span. */
  constructor(private readonly tracer: Tracer, private readonly redact: (text: string) => string) {}

  /** Starts the request's span; its ids become the request's trace context. */
  start(r: SpanRequest): { span: Span; trace: TraceContext } {
    const caller = parseTraceparent((r.meta as Record<string, unknown> | undefined)?.traceparent);
    const parent = caller
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: caller.traceId, spanId: caller.parentSpanId, isRemote: true,
        traceFlags: caller.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE })
      : ROOT_CONTEXT;
    const attributes: Attributes = {
      'mcp.method.name': r.methodLabel === OVERFLOW_VALUE ? clip(this.redact(r.method)) : r.methodLabel,
      'jsonrpc.request.id': typeof r.requestId === 'number' ? String(r.requestId) : clip(this.redact(r.requestId)),
      'network.transport': NETWORK_TRANSPORT[r.transport],
    };
    if (r.transport === 'http') attributes['network.protocol.name'] = 'http';
    if (r.sessionId) attributes['mcp.session.id'] = r.sessionId;
    if (r.protocolVersion) attributes['mcp.protocol.version'] = r.protocolVersion;
    if (r.tool !== undefined) {
      attributes['gen_ai.tool.name'] = clip(this.redact(r.tool));
      attributes['gen_ai.operation.name'] = 'execute_tool';
    }
    if (r.prompt !== undefined) attributes['gen_ai.prompt.name'] = clip(this.redact(r.prompt));
    if (r.task) {
      attributes[TASK_ID_ATTRIBUTE] = this.redact(r.task.id);
      if (r.task.turn !== undefined) attributes[TASK_TURN_ATTRIBUTE] = r.task.turn;
    }
    const name = r.targetLabel ? `${r.methodLabel} ${r.targetLabel}` : r.methodLabel;
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    const ids = span.spanContext();
    return {
      span,
      trace: { traceId: ids.traceId, spanId: ids.spanId, parentSpanId: caller?.parentSpanId,
        sampled: (ids.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED },
    };
  }

  end(span: Span, outcome: SpanOutcome): void {
    if (outcome.protocolVersion) span.setAttribute('mcp.protocol.version', outcome.protocolVersion);
    const type = errorType(outcome);
    if (type !== undefined) {
      span.setAttribute('error.type', type);
      if (outcome.error) span.setAttribute('rpc.response.status_code', String(outcome.error.code));
      const message = outcome.error?.message ?? outcome.message;
      span.setStatus({ code: SpanStatusCode.ERROR, message: message ? this.redact(clip(message)) : type });
    }
    span.end();
  }
}
