// W3C trace context: continue the caller's trace from params._meta.traceparent, otherwise start one.
import { randomFillSync } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  spanId: string;
  /** The caller's span when the trace was continued. */
  parentSpanId?: string;
  sampled: boolean;
}

// Fixed layout (version-traceid-spanid-flags, 55 chars): one capture-free test, then slices.
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

// Random ids: one getrandom call per 4 KiB of random bytes, converted to hex 240 bytes at a time
// (ten calls' trace and span ids); each id is a slice of that text. A hex conversion per id
// crossed into C++ twice a call; a slice keeps its 480-character text alive, so the windows stay
// small (ids live on in exemplars and in queued log and audit lines).
const POOL_BYTES = 4096;
const WINDOW_BYTES = 240;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;
let hexWindow = '';
let offset = 0;
function randomHex(bytes: number): string {
  const chars = bytes * 2;
  if (offset + chars > hexWindow.length) {
    if (poolOffset + WINDOW_BYTES > POOL_BYTES) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    hexWindow = pool.toString('hex', poolOffset, poolOffset + WINDOW_BYTES);
    poolOffset += WINDOW_BYTES;
    offset = 0;
  }
  const id = hexWindow.slice(offset, offset + chars);
  offset += chars;
  return id;
}

export function parseTraceparent(value: unknown): Omit<TraceContext, 'spanId'> & { parentSpanId: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.length === 55 ? value : value.trim(); // a valid value of length 55 has nothing to trim
  if (!TRACEPARENT.test(v)) return undefined;
  const traceId = v.slice(3, 35);
  const parentSpanId = v.slice(36, 52);
  if (v.startsWith('ff') || traceId === ZERO_TRACE || parentSpanId === ZERO_SPAN) return undefined;
  return { traceId, parentSpanId, sampled: (parseInt(v.slice(53), 16) & 1) === 1 };
}

/**
 * The server span of one request. Its ids are made on first read: a call whose ids nobody reads
 * (no span, no log or audit line, no trace to continue: metrics only) costs no random bytes.
 */
class RequestSpan implements TraceContext {
  #traceId: string | undefined;
  #spanId: string | undefined;

  constructor(traceId: string | undefined, readonly parentSpanId: string | undefined, readonly sampled: boolean) {
    this.#traceId = traceId;
  }

  get traceId(): string {
    return (this.#traceId ??= randomHex(16));
  }

  get spanId(): string {
    return (this.#spanId ??= randomHex(8));
  }

  toJSON(): TraceContext {
    return { traceId: this.traceId, spanId: this.spanId, parentSpanId: this.parentSpanId, sampled: this.sampled };
  }
}

/** The server span for one request: a child of `_meta.traceparent` when valid, else a new root. */
export function serverSpan(meta: unknown): TraceContext {
  const parent = parseTraceparent((meta as Record<string, unknown> | undefined)?.traceparent);
  return parent ? new RequestSpan(parent.traceId, parent.parentSpanId, parent.sampled) : new RequestSpan(undefined, undefined, true);
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.sampled ? '01' : '00'}`;
}
