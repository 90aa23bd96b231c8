// Structured JSON logs: one object per line with an RFC 5424 level name, timestamp and the
// request context (trace_id, span_id, session_id, request_id, method, tool, duration_ms, status,
// error_code). Every other field (arguments, results, error text) passes through the redactor. A per-second budget bounds bursts;
// what it drops is counted and reported in the next window's first line.
import { isoTime } from './iso-time.js';
import { jsonNumber, jsonString, jsonValue } from './json-text.js';
import { LineSink, type LineDestination } from './line-sink.js';
import type { Redactor } from './redact.js';
import type { ToolCallRecord } from './tool-call-record.js';

/** A tools/call's request line: its message and method (and their JSON text: the library's own, nothing to redact). */
const TOOL_CALL = 'tools/call';
const TOOL_CALL_TEXT = jsonString(TOOL_CALL);

/** RFC 5424 severities, most severe first (index = numeric severity). */
export const LOG_LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

/** Fields the library fills with bounded, non-sensitive values; every other field is redacted. */
const TRUSTED_FIELDS = new Set(['trace_id', 'span_id', 'parent_span_id', 'session_id', 'method', 'tool', 'duration_ms',
  'status', 'error_code', 'error_type', 'transport', 'dropped', 'window_ms', 'protocol_version',
  // identity from a verified token (passed through on purpose) and tool-definition fingerprints
  'subject', 'client_id', 'change', 'fingerprint', 'previous_fingerprint',
  // token counts and cost: numbers the library puts together from reportTokens()
  'tokens']);
/** Keys every line starts with; a field of the same name is dropped rather than written twice. */
const RESERVED_FIELDS = new Set(['timestamp', 'level', 'message']);

/** Distinct field names whose key text is kept. */
const MAX_CACHED_KEYS = 1000;

interface FieldKey {
  prefix: string;
  trusted: boolean;
}

/**
 * The line every answered request but a tools/call writes (the hot path's line): its fields are
 * fixed, so it is written field by field instead of walked key by key (a walk over differently
 * shaped field objects makes every value read a megamorphic lookup). Same text as log() of the same
 * object. A tools/call's line is written from its ToolCallRecord (toolCall()).
 */
export interface RequestFields {
  trace_id: string;
  span_id: string;
  parent_span_id: string | undefined;
  session_id: string | undefined;
  request_id: string | number;
  method: string;
  duration_ms: number;
  status: 'ok' | 'error';
  error_code: string | undefined;
  /** The JSON-RPC error's message (client-influenced text: redacted). */
  error: string | undefined;
  transport: string;
}

type Entry = { time: number; level: LogLevel; message: string }
  & ({ fields: LogFields; request?: never; call?: never } | { request: RequestFields; fields?: never; call?: never }
    | { call: ToolCallRecord; fields?: never; request?: never });

export interface LoggerOptions {
  destination: LineDestination;
  level: LogLevel;
  /** Lines per second before dropping; drops are counted and reported. */
  maxLinesPerSecond: number;
}

export class Logger {
  private readonly sink: LineSink<Entry>;
  /** Whether each level is written: looked up on every request, so not searched for in LOG_LEVELS each time. */
  private readonly admitted: Readonly<Record<LogLevel, boolean>>;
  private readonly keys = new Map<string, FieldKey>();
  private windowStart = 0;
  private windowCount = 0;
  private droppedInWindow = 0;
  /** Lines dropped by the rate limit since start. */
  dropped = 0;

  constructor(private readonly options: LoggerOptions, private readonly redactor: Redactor) {
    const threshold = LOG_LEVELS.indexOf(options.level);
    this.admitted = Object.fromEntries(LOG_LEVELS.map((l, severity) => [l, severity <= threshold])) as Record<LogLevel, boolean>;
    this.sink = new LineSink(options.destination, (e) => this.format(e));
  }

  enabled(level: LogLevel): boolean {
    return this.admitted[level];
  }

  log(level: LogLevel, message: string, fields: LogFields = {}): void {
    const time = this.admit(level);
    if (time !== undefined) this.sink.push({ time, level, message, fields });
  }

  /** Logs a request's line (see RequestFields); subject to the level and the rate limit like log(). */
  request(level: LogLevel, message: string, fields: RequestFields): void {
    const time = this.admit(level);
    if (time !== undefined) this.sink.push({ time, level, message, request: fields });
  }

  /**
   * Logs a tools/call's request line from its record (the record the audit trail writes too): the
   * same text as log() of the request line's fields (duration_ms, status, the bounded tool label,
   * tokens; arguments at debug only).
   */
  toolCall(level: LogLevel, call: ToolCallRecord): void {
    const time = this.admit(level);
    if (time !== undefined) this.sink.push({ time, level, message: TOOL_CALL, call });
  }

  /** The line's time when a line of `level` is to be written now; undefined when the level or the rate limit leaves it out. */
  private admit(level: LogLevel): number | undefined {
    if (!this.enabled(level)) return undefined;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.droppedInWindow > 0) {
        this.sink.push({ time: now, level: 'warning', message: 'log lines dropped by rate limit',
          fields: { dropped: this.droppedInWindow, window_ms: now - this.windowStart } });
      }
      this.windowStart = now;
      this.windowCount = 0;
      this.droppedInWindow = 0;
    }
    if (this.windowCount >= this.options.maxLinesPerSecond) {
      this.droppedInWindow++;
      this.dropped++;
      return undefined;
    }
    this.windowCount++;
    return now;
  }

  error(message: string, fields?: LogFields): void { this.log('error', message, fields); }
  warning(message: string, fields?: LogFields): void { this.log('warning', message, fields); }
  notice(message: string, fields?: LogFields): void { this.log('notice', message, fields); }
  info(message: string, fields?: LogFields): void { this.log('info', message, fields); }
  debug(message: string, fields?: LogFields): void { this.log('debug', message, fields); }

  /** Writes queued lines now (tests, shutdown). */
  flush(): void {
    this.sink.flush();
  }

  close(): void {
    this.sink.close();
  }

  private format(e: Entry): string {
    const head = `{"timestamp":"${isoTime(e.time)}","level":"${e.level}","message":`;
    if (e.call) return head + TOOL_CALL_TEXT + this.toolCallText(e.call) + '}';
    // Messages are the library's own text but for a request line's, which is the request's method (any string a client sends).
    let line = head + jsonString(this.redactor.redactString(e.message));
    if (e.request) return line + this.requestText(e.request) + '}';
    for (const k in e.fields) {
      const v = e.fields[k];
      if (v === undefined) continue;
      const key = this.keyOf(k);
      if (key === undefined) continue;
      const text = this.valueText(v, key.trusted);
      if (text !== undefined) line += key.prefix + text;
    }
    return line + '}';
  }

  /** A request line's fields, in RequestFields' order; trusted and redacted as format() treats them. */
  private requestText(f: RequestFields): string {
    let text = this.requestHead(f.trace_id, f.span_id, f.parent_span_id, f.session_id, f.request_id, jsonString(f.method));
    text += `,"duration_ms":${jsonNumber(f.duration_ms)},"status":"${f.status}"`;
    if (f.error_code !== undefined) text += `,"error_code":${jsonString(f.error_code)}`;
    return text + this.untrusted(',"error":', f.error) + `,"transport":${jsonString(f.transport)}`;
  }

  /** A tools/call's request line: what requestText() wrote for it before the record, in the same order. */
  private toolCallText(r: ToolCallRecord): string {
    let text = this.requestHead(r.trace_id, r.span_id, r.parent_span_id, r.session_id, r.request_id, TOOL_CALL_TEXT);
    text += `,"tool":${jsonString(r.tool_label)},"duration_ms":${jsonNumber(r.latency_ms)},"status":"${r.outcome}"`;
    if (r.error_type !== undefined) text += `,"error_type":${jsonString(r.error_type)}`;
    if (r.error_code !== undefined) text += `,"error_code":${jsonString(r.error_code)}`;
    text += `,"transport":${jsonString(r.transport)}` + this.untrusted(',"client":', r.client);
    if (r.subject !== undefined) text += `,"subject":${jsonString(r.subject)}`;
    if (r.client_id !== undefined) text += `,"client_id":${jsonString(r.client_id)}`;
    if (this.enabled('debug')) text += this.untrusted(',"arguments":', r.arguments);
    const t = r.tokens;
    if (t !== undefined) text += `,"tokens":{"input":${jsonNumber(t.input)},"output":${jsonNumber(t.output)},"costUsd":${jsonNumber(t.costUsd)}}`;
    return text + this.untrusted(',"task_id":', r.task_id);
  }

  /** trace_id to method (`methodText`: its JSON text): how every request line starts. */
  private requestHead(traceId: string, spanId: string, parentSpanId: string | undefined, sessionId: string | undefined,
    requestId: string | number, methodText: string): string {
    let text = `,"trace_id":${jsonString(traceId)},"span_id":${jsonString(spanId)}`;
    if (parentSpanId !== undefined) text += `,"parent_span_id":${jsonString(parentSpanId)}`;
    if (sessionId !== undefined) text += `,"session_id":${jsonString(sessionId)}`;
    return text + this.untrusted(',"request_id":', requestId) + `,"method":${methodText}`;
  }

  /** `prefix` and a client-influenced value, redacted; '' for what a line leaves out. */
  private untrusted(prefix: string, v: unknown): string {
    const text = v === undefined ? undefined : this.valueText(v, false);
    return text === undefined ? '' : prefix + text;
  }

  /** A field value's JSON text, redacted unless trusted (numbers, booleans and null carry no text to redact). */
  private valueText(v: unknown, trusted: boolean): string | undefined {
    if (trusted || v === null || typeof v === 'number' || typeof v === 'boolean') return jsonValue(v);
    // A string needs no walk (its copy, budget and cycle set): the redacted text is the same.
    return typeof v === 'string' ? jsonString(this.redactor.redactString(v)) : jsonValue(this.redactor.redact(v));
  }

  /** How a field is written: its `,"key":` text and whether it skips redaction; undefined for the line's own keys. */
  private keyOf(k: string): FieldKey | undefined {
    let key = this.keys.get(k);
    if (key === undefined) {
      if (RESERVED_FIELDS.has(k)) return undefined;
      key = { prefix: `,${jsonString(k)}:`, trusted: TRUSTED_FIELDS.has(k) };
      // Field names come from code, so this stays small; the bound only guards against generated names.
      if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(k, key);
    }
    return key;
  }
}
