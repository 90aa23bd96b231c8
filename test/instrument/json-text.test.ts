// Log and audit lines are written value by value instead of through one JSON.stringify of the
// line: the text must stay exactly what JSON.stringify writes, whatever the values hold.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditTrail, type AuditEntry } from '../../src/instrument/audit.js';
import { verifyAuditText } from '../../src/instrument/audit-verify.js';
import { jsonNumber, jsonString, jsonValue } from '../../src/instrument/json-text.js';
import { Logger } from '../../src/instrument/logger.js';
import { Redactor } from '../../src/instrument/redact.js';

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
    const entries: AuditEntry[] = [
      { tool: 'add', arguments: { a: 1 }, outcome: 'ok', latency_ms: 1.5, trace_id: 't', span_id: 's' },
      { tool: odd, arguments: undefined, outcome: 'error', error_type: 'tool_error', latency_ms: 0, trace_id: 't', span_id: 's' },
      { session_id: odd, client: odd, subject: odd, client_id: odd, tool: '', arguments: [odd, { k: null }], outcome: 'ok',
        latency_ms: 12.345, trace_id: 't', span_id: 's', input_tokens: 10, output_tokens: 0, cost_usd: 0.0001 },
    ];
    for (const e of entries) trail.record(e);
    await trail.close();
    const text = readFileSync(file, 'utf8');
    expect(verifyAuditText(text)).toMatchObject({ ok: true, records: entries.length });
    text.trimEnd().split('\n').forEach((line, i) => {
      const { hash, ...record } = JSON.parse(line) as Record<string, unknown>;
      expect(line).toBe(`${JSON.stringify(record).slice(0, -1)},"hash":${JSON.stringify(hash)}}`);
      // Same keys and values as the entry: nothing added, dropped or reordered besides seq/ts/prev.
      const { seq: _seq, ts: _ts, prev: _prev, ...rest } = record;
      expect(JSON.stringify(rest)).toBe(JSON.stringify(entries[i]));
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
