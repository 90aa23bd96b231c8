// The simulated agent's side of a trace: session → task → turn (INTERNAL spans) → tools/call
// (CLIENT span), whose W3C traceparent goes in the request's `params._meta` so the server's span
// continues it. Context is passed explicitly (no global context manager is installed). Without
// a tracer every method runs its function with no span and adds nothing to `_meta`.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import { formatTraceparent } from '@mcp-observability/instrument';

/** Where a span sits: the context its children start from (undefined when not tracing). */
export type TraceScope = Context | undefined;

export interface SpanHandle {
  scope: TraceScope;
  /** Adds attributes known only at the end (task outcome, call result). */
  annotate(attributes: Attributes): void;
  /** Marks the span failed with this error.type. */
  fail(errorType: string): void;
}

const NO_SPAN: SpanHandle = { scope: undefined, annotate: () => {}, fail: () => {} };

export class AgentSpans {
  constructor(private readonly tracer: Tracer | undefined) {}

  /** Runs `fn` inside a child span of `parent` (a root span when parent is undefined), ending it after. */
  async within<T>(name: string, parent: TraceScope, attributes: Attributes, fn: (span: SpanHandle) => Promise<T>,
    kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
    if (!this.tracer) return fn(NO_SPAN);
    const base = parent ?? ROOT_CONTEXT;
    const span = this.tracer.startSpan(name, { kind, attributes }, base);
    const handle: SpanHandle = {
      scope: trace.setSpan(base, span),
      annotate: (more) => void span.setAttributes(more),
      fail: (errorType) => {
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
      },
    };
    try {
      return await fn(handle);
    } catch (err) {
      handle.fail(err instanceof Error ? err.name : 'error');
      throw err;
    } finally {
      span.end();
    }
  }

  /** The `_meta` entries that carry `scope` to the server: `{ traceparent }`, or nothing. */
  meta(scope: TraceScope): { traceparent?: string } {
    const ids = scope === undefined ? undefined : trace.getSpanContext(scope);
    if (!ids) return {};
    return { traceparent: formatTraceparent({ traceId: ids.traceId, spanId: ids.spanId, sampled: (ids.traceFlags & 1) === 1 }) };
  }
}
