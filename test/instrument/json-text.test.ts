// Log and audit lines are written value by value instead of through one JSON.stringify of the
// line: the text must stay exactly what JSON.stringify writes, whatever the values hold.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../src/instrument/audit.js';
import { verifyAuditText } from '../../src/instrument/audit-verify.js';
import { jsonNumber, jsonString, jsonValue } from '../../src/instrument/json-text.js';
import { Logger } from '../../src/instrument/logger.js';
import { Redactor } from '../../src/instrument/redact.js';
import type { ToolCallRecord } from '../../src/instrument/tool-call-record.js';

const STRINGS: [string, string][] = [
  ['plain', 'search_docs'],
  ['empty', ''],
  ['quote and backslash', 'a"b\\c'],
  ['control characters', '\u0000\u0001\b\t\n\f\r\u001f'],
  ['DEL and non-ASCII (not escaped)', '\u007fé中'],
  ['line and paragraph separators (not escaped)', '\u2028\u2029'],
  ['surrogate pair (not escaped)', '😀'],
  ['lone high surrogate', 'x\ud83dy'],
  ['lone low surrogate', '\ude00'],
];
const NUMBERS = [0, -0, 1.234, -5, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, 0.1 + 0.2];

describe('JSON text of line values', () => {
  it.each(STRINGS)('string: %s', (_name, s) => {
    expect(jsonString(s)).toBe(JSON.stringify(s));
  });
  it.each(NUMBERS)('number %d', (n) => {
    expect(jsonNumber(n)).toBe(JSON.stringify(n));
  });
  it.each([NaN, Infinity, -Infinity])('non-finite %d is null, as JSON.stringify writes it', (n) => {
    expect(jsonNumber(n)).toBe('null');
  });
  it('other values as JSON.stringify, and no throw on a BigInt', () => {
    for (const v of [true, false, null, { a: [1, 'x'] }, [null]]) expect(jsonValue(v)).toBe(JSON.stringify(v));
    for (const v of [undefined, () => 1, Symbol('s')]) expect(jsonValue(v)).toBeUndefined();
    expect(jsonValue(10n)).toBe('"10"');
  });
});

describe('lines written value by value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'json-text-'));
  const odd = STRINGS.map(([, s]) => s).join('|');

  it('audit lines are the JSON.stringify text of their record, for every field combination', async () => {
    const file = join(dir, 'audit.jsonl');
    const trail = new AuditTrail({ file, key: {}, redact: (v) => v, redactString: (s) => s, onWrite: () => {} });
    const none = { session_id: undefined, client: undefined, subject: undefined, client_id: undefined, error_type: undefined,
      error_code: undefined, parent_span_id: undefined, tokens: undefined, task_id: undefined };
    const entries: ToolCallRecord[] = [
      { ...none, tool: 'add', tool_label: 'add', arguments: { a: 1 }, outcome: 'ok', latency_ms: 1.5, trace_id: 't', span_id: 's',
        request_id: 1, transport: 'stdio' },
      { ...none, tool: odd, tool_label: '_OTHER', arguments: undefined, outcome: 'error', error_type: 'tool_error', latency_ms: 0,
        trace_id: 't', span_id: 's', request_id: odd, transport: 'http', error_code: '-32603' },
      { session_id: odd, client: odd, subject: odd, client_id: odd, tool: '', tool_label: '_OTHER', arguments: [odd, { k: null }],
        outcome: 'ok', error_type: undefined, error_code: undefined, latency_ms: 12.345, trace_id: 't', span_id: 's', parent_span_id: 'p',
        request_id: -0.5, transport: 'stdio', tokens: { input: 10, output: 0, costUsd: 0.0001 }, task_id: odd },
    ];
    // The audit line's object for a record: its fields in the line's order, tokens flat, no tool label.
    const lineObject = (e: ToolCallRecord) => ({ session_id: e.session_id, client: e.client, subject: e.subject, client_id: e.client_id,
      tool: e.tool, arguments: e.arguments, outcome: e.outcome, error_type: e.error_type, latency_ms: e.latency_ms, trace_id: e.trace_id,
      span_id: e.span_id, input_tokens: e.tokens?.input, output_tokens: e.tokens?.output, cost_usd: e.tokens?.costUsd,
      parent_span_id: e.parent_span_id, request_id: e.request_id, transport: e.transport, error_code: e.error_code, task_id: e.task_id });
    for (const e of entries) trail.record(e);
    await trail.close();
    const text = readFileSync(file, 'utf8');
    expect(verifyAuditText(text)).toMatchObject({ ok: true, records: entries.length });
    text.trimEnd().split('\n').forEach((line, i) => {
      const { hash, ...record } = JSON.parse(line) as Record<string, unknown>;
      expect(line).toBe(`${JSON.stringify(record).slice(0, -1)},"hash":${JSON.stringify(hash)}}`);
      // Same keys and values as the entry: nothing added, dropped or reordered besides seq/ts/prev.
      const { seq: _seq, ts: _ts, prev: _prev, ...rest } = record;
      expect(JSON.stringify(rest)).toBe(JSON.stringify(lineObject(entries[i]!)));
    });
  });

  it('log lines are the JSON.stringify text of timestamp, level, message and the fields', () => {
    const file = join(dir, 'log.jsonl');
    const logger = new Logger({ destination: { file }, level: 'debug', maxLinesPerSecond: 1000 }, new Redactor(() => {}));
    const fields = { tool: odd, duration_ms: 1.25, count: NaN, ok: false, nothing: null, skipped: undefined, nested: { a: [odd] },
      [odd]: 'key needing escapes', big: 7n };
    logger.info(odd, fields);
    logger.close();
    const line = readFileSync(file, 'utf8').trimEnd();
    const { timestamp, ...rest } = JSON.parse(line) as Record<string, unknown>;
    expect(line).toBe(JSON.stringify({ timestamp, level: 'info', message: odd, ...fields, big: '7' }));
    expect(rest.count).toBeNull();
  });
});
