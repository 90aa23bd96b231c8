// SIEM/BI export: the audit trail's tool calls and the server log's security events as one flat,
// versioned JSON object per line (schemas/siem-event.schema.json), ready for a SIEM to ingest as is.
// Input lines that are not JSON, or not one of the known kinds, are counted and skipped, never fatal.
import { Redactor } from '@mcp-observability/instrument';

import { LOG_EVENTS } from '@mcp-observability/catalog';

export const SIEM_SCHEMA_VERSION = 'mcp-observability.siem/v1' as const;

export type SiemEventType = 'tool_call' | 'http_rejection' | 'auth_failure' | 'tool_definition_drift';

export interface SiemEvent {
  schema_version: typeof SIEM_SCHEMA_VERSION;
  time: string;
  event_type: SiemEventType;
  severity: 'info' | 'notice' | 'warning' | 'error';
  outcome: 'success' | 'failure';
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  session_id?: string;
  request_id?: string | number;
  transport?: string;
  task_id?: string;
  tool?: string;
  error_type?: string;
  error_code?: string;
  http_status?: number;
  latency_ms?: number;
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  user_subject?: string;
  client_id?: string;
  client_name?: string;
  audit_seq?: number;
  audit_hash?: string;
  source: 'audit' | 'log';
}

/** Messages of the library's log lines that are security events. */
const AUTH_REASONS = new Set(['missing_token', 'invalid_token', 'forbidden']);
const SEVERITIES = new Set(['info', 'notice', 'warning', 'error']);

type Line = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Fields the export itself fills with bounded values; every other string is redacted once more. */
const OWN_FIELDS = new Set(['schema_version', 'time', 'event_type', 'severity', 'outcome', 'source', 'audit_hash']);
const redactor = new Redactor(() => {});

/**
 * Drops undefined fields, so a SIEM never sees `null`s or absent-but-present keys, and redacts the
 * text that came from clients (trails and logs written before a detector existed are cleaned here).
 */
function compact(event: SiemEvent): SiemEvent {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, typeof v === 'string' && !OWN_FIELDS.has(k) ? redactor.redactString(v) : v])) as unknown as SiemEvent;
}

export function fromAuditLine(line: Line): SiemEvent | undefined {
  const time = str(line.ts);
  const tool = typeof line.tool === 'string' ? line.tool : undefined;
  if (!time || tool === undefined || typeof line.seq !== 'number' || typeof line.hash !== 'string') return undefined;
  const failed = line.outcome !== 'ok';
  return compact({
    schema_version: SIEM_SCHEMA_VERSION, time, event_type: 'tool_call', severity: failed ? 'warning' : 'info',
    outcome: failed ? 'failure' : 'success',
    trace_id: str(line.trace_id), span_id: str(line.span_id), parent_span_id: str(line.parent_span_id), session_id: str(line.session_id),
    // Trails written before issue 22 have no request_id, transport, error_code, parent_span_id or task_id: left out.
    request_id: str(line.request_id) ?? num(line.request_id), transport: str(line.transport), task_id: str(line.task_id), tool,
    error_type: str(line.error_type), error_code: str(line.error_code), latency_ms: num(line.latency_ms),
    input_tokens: num(line.input_tokens), output_tokens: num(line.output_tokens), cost_usd: num(line.cost_usd),
    user_subject: str(line.subject), client_id: str(line.client_id), client_name: str(line.client),
    audit_seq: line.seq, audit_hash: line.hash, source: 'audit',
  });
}

export function fromLogLine(line: Line): SiemEvent | undefined {
  const time = str(line.timestamp);
  if (!time) return undefined;
  const level = str(line.level) ?? 'warning';
  const base = {
    schema_version: SIEM_SCHEMA_VERSION, time, severity: (SEVERITIES.has(level) ? level : 'warning') as SiemEvent['severity'],
    outcome: 'failure' as const, trace_id: str(line.trace_id), span_id: str(line.span_id), session_id: str(line.session_id),
    source: 'log' as const,
  };
  if (line.message === LOG_EVENTS.httpRejection) {
    const reason = str(line.error_type);
    return compact({ ...base, event_type: reason && AUTH_REASONS.has(reason) ? 'auth_failure' : 'http_rejection',
      error_type: reason, http_status: num(line.status) || undefined });
  }
  if (line.message === LOG_EVENTS.toolDefinitionDrift) {
    return compact({ ...base, event_type: 'tool_definition_drift', tool: str(line.tool), error_type: str(line.change) });
  }
  return undefined;
}

export interface ExportCounts {
  exported: number;
  /** Lines that were not JSON objects. */
  unreadable: number;
  /** JSON lines that are not one of the exported kinds (ordinary log lines) or predate --since. */
  skipped: number;
}

/**
 * Normalises the lines of one file, keeping events at or after `since`, and writes each as one
 * JSON line through `emit`.
 */
export function exportLines(text: string, kind: 'audit' | 'log', since: Date | undefined, emit: (line: string) => void,
  counts: ExportCounts): void {
  const convert = kind === 'audit' ? fromAuditLine : fromLogLine;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      counts.unreadable++;
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      counts.unreadable++;
      continue;
    }
    const event = convert(parsed as Line);
    if (!event || (since && Date.parse(event.time) < since.getTime())) {
      counts.skipped++;
      continue;
    }
    emit(JSON.stringify(event));
    counts.exported++;
  }
}

const RELATIVE = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: an ISO-8601 time, or a duration back from `now` (30m, 24h, 7d). */
export function parseSince(raw: string, now = Date.now()): Date {
  const rel = RELATIVE.exec(raw);
  if (rel) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new Error(`--since: expected an ISO-8601 time (2026-01-31T12:00:00Z) or a duration (30m, 24h, 7d), got "${raw}"`);
  return new Date(t);
}
