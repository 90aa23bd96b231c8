// Structured JSON logs: one object per line with an RFC 5424 level name, timestamp and the
// request context (trace_id, span_id, session_id, request_id, method, tool, duration_ms, status,
// error_code). Every other field (arguments, results, error text) passes through the redactor. A per-second budget bounds bursts;
// what it drops is counted and reported in the next window's first line.
import { isoTime } from './iso-time.js';
import { LineSink, type LineDestination } from './line-sink.js';
import type { Redactor } from './redact.js';

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

interface Entry {
  time: number;
  level: LogLevel;
  message: string;
  fields: LogFields;
}

export interface LoggerOptions {
  destination: LineDestination;
  level: LogLevel;
  /** Lines per second before dropping; drops are counted and reported. */
  maxLinesPerSecond: number;
}

export class Logger {
  private readonly sink: LineSink<Entry>;
  private readonly threshold: number;
  private windowStart = 0;
  private windowCount = 0;
  private droppedInWindow = 0;
  /** Lines dropped by the rate limit since start. */
  dropped = 0;

  constructor(private readonly options: LoggerOptions, private readonly redactor: Redactor) {
    this.threshold = LOG_LEVELS.indexOf(options.level);
    this.sink = new LineSink(options.destination, (e) => this.format(e));
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= this.threshold;
  }

  log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
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
      return;
    }
    this.windowCount++;
    this.sink.push({ time: now, level, message, fields });
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
    // The fields object is serialised as it is (JSON.stringify skips undefined): copying it into a
    // new record first cost ~20 % of a line. Copied only when a field must be redacted or clashes.
    const head = `{"timestamp":"${isoTime(e.time)}","level":"${e.level}","message":${JSON.stringify(e.message)}`;
    const body = JSON.stringify(this.cleaned(e.fields));
    return body.length > 2 ? `${head},${body.slice(1)}` : `${head}}`;
  }

  /** `fields` with untrusted values redacted and the line's own keys dropped (a copy only if that changes anything). */
  private cleaned(fields: LogFields): LogFields {
    let out = fields;
    for (const k in fields) {
      const v = fields[k];
      if (v === undefined) continue;
      if (RESERVED_FIELDS.has(k)) {
        if (out === fields) out = { ...fields };
        delete out[k];
        continue;
      }
      if (TRUSTED_FIELDS.has(k) || v === null || typeof v === 'number' || typeof v === 'boolean') continue;
      const redacted = this.redactor.redact(v);
      if (redacted !== v) {
        if (out === fields) out = { ...fields };
        out[k] = redacted;
      }
    }
    return out;
  }
}
