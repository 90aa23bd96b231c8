// W3C trace context: continue the caller's trace from params._meta.traceparent, otherwise start one.
import { randomFillSync } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  spanId: string;
  /** The caller's span when the trace was continued. */
  parentSpanId?: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

// Random ids come from a pooled buffer: one getrandom call per 512 ids instead of one per id.
const pool = Buffer.alloc(4096);
let offset = pool.length;
function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

export function parseTraceparent(value: unknown): Omit<TraceContext, 'spanId'> & { parentSpanId: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m || m[1] === 'ff' || m[2] === ZERO_TRACE || m[3] === ZERO_SPAN) return undefined;
  return { traceId: m[2]!, parentSpanId: m[3]!, sampled: (parseInt(m[4]!, 16) & 1) === 1 };
}

/** The server span for one request: a child of `_meta.traceparent` when valid, else a new root. */
export function serverSpan(meta: unknown): TraceContext {
  const parent = parseTraceparent((meta as Record<string, unknown> | undefined)?.traceparent);
  return parent
    ? { ...parent, spanId: randomHex(8) }
    : { traceId: randomHex(16), spanId: randomHex(8), sampled: true };
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.sampled ? '01' : '00'}`;
}
