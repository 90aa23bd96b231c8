// The JSON line format: timestamp, level, message first, then the caller's fields in order,
// undefined fields left out, untrusted values redacted, and the caller's object never changed.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Logger, type LogLevel, type RequestFields } from '../../src/instrument/logger.js';
import type { ToolCallRecord } from '../../src/instrument/tool-call-record.js';
import { Redactor } from '../../src/instrument/redact.js';

function logLines(write: (logger: Logger) => void, level: LogLevel = 'info'): { lines: string[]; redactions: string[] } {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  const redactions: string[] = [];
  const logger = new Logger({ destination: { stream }, level, maxLinesPerSecond: 1000 }, new Redactor((d) => redactions.push(d)));
  write(logger);
  logger.flush();
  return { lines: text.trim().split('\n'), redactions };
}

describe('Logger line format', () => {
  it('writes the fixed keys first, then the fields in order, without undefined ones', () => {
    const { lines } = logLines((l) => l.info('tools/call', { trace_id: 'abc', tool: 'search_docs', error_type: undefined,
      duration_ms: 1.5, tokens: { input: 3, output: 1, costUsd: 0 } }));
    expect(lines[0]).toMatch(/^\{"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","message":"tools\/call",/);
    expect(lines[0]!.replace(/^.*"message":"tools\/call",/, '')).toBe(
      '"trace_id":"abc","tool":"search_docs","duration_ms":1.5,"tokens":{"input":3,"output":1,"costUsd":0}}');
  });

  it('redacts untrusted values, leaves the caller object as it was, and counts the redactions', () => {
    const fields = { client: 'mail bob@example.com', request_id: 7, tool: 'fetch_page' };
    const { lines, redactions } = logLines((l) => l.info('x', fields));
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ client: 'mail [REDACTED:email]', request_id: 7, tool: 'fetch_page' });
    expect(fields.client).toBe('mail bob@example.com');
    expect(redactions).toEqual(['email']);
  });

  it('drops fields named like the fixed keys instead of writing a key twice', () => {
    const { lines } = logLines((l) => {
      l.info('kept', { level: 'emergency', message: 'spoofed', timestamp: 'never', ok: true });
      l.info('empty');
    });
    expect(lines[0]).not.toMatch(/emergency|spoofed|never/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', message: 'kept', ok: true });
    expect(lines[1]).toMatch(/"message":"empty"\}$/);
  });

  const call: ToolCallRecord = {
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', parent_span_id: undefined,
    session_id: 'c0ffee00-1234-4abc-9def-0123456789ab', request_id: 7, transport: 'stdio', client: 'claude-code', subject: undefined,
    client_id: undefined, tool: 'summarize', tool_label: 'summarize', arguments: { text: 'hello' }, outcome: 'ok', error_type: undefined,
    error_code: undefined, latency_ms: 0.123, tokens: { input: 19, output: 5, costUsd: 0.00000585 }, task_id: undefined,
  };
  /** The request line's fields for a tools/call, in their order, as the line was built before the record (arguments at debug). */
  const requestLine = (r: ToolCallRecord, debug: boolean) => ({
    trace_id: r.trace_id, span_id: r.span_id, parent_span_id: r.parent_span_id, session_id: r.session_id, request_id: r.request_id,
    method: 'tools/call', tool: r.tool_label, duration_ms: r.latency_ms, status: r.outcome, error_type: r.error_type,
    error_code: r.error_code, transport: r.transport, client: r.client, subject: r.subject, client_id: r.client_id,
    arguments: debug ? r.arguments : undefined, tokens: r.tokens, task_id: r.task_id,
  });
  // toolCall() writes the record's fields one by one; log() of the request line's object is the reference it must equal, redactions included.
  it.each<[string, ToolCallRecord]>([
    ['a tool call with tokens', call],
    ['a failed call with every optional field, client-influenced text redacted', { ...call,
      parent_span_id: 'b7ad6b7169203331', request_id: 'req eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlX2hlcmU', outcome: 'error',
      error_type: 'tool_error', error_code: '-32603', client: 'agent of ann@example.org',
      subject: 'user-42', client_id: 'cli-7', task_id: 'task Bearer abcdefghijklmnop' }],
    ['text that JSON escapes', { ...call, session_id: 'a"b\\c', tool_label: 'caf\u00e9 \ud83d\ude00 \ud800', client: 'tab\there' }],
    ['arguments: sensitive keys and values redacted', { ...call,
      arguments: { query: 'mail me at a@b.io', api_key: 'sk-live-0123456789abcdef', nested: [{ password: 'x' }, 3, null] } }],
    ['arguments that are not objects, a non-finite cost', { ...call, arguments: 42, tokens: { input: 1, output: 0, costUsd: Number.NaN } }],
  ])('toolCall(): %s, the same text as log() of the request line', (_name, record) => {
    for (const level of ['debug', 'info'] as const) {
      const byRecord = logLines((l) => l.toolCall(level, record), level);
      const byLog = logLines((l) => l.log(level, 'tools/call', requestLine(record, level === 'debug')), level);
      expect(byRecord.lines[0]!.replace(/"timestamp":"[^"]+"/, '')).toBe(byLog.lines[0]!.replace(/"timestamp":"[^"]+"/, ''));
      expect(byRecord.redactions).toEqual(byLog.redactions);
      expect(JSON.parse(byRecord.lines[0]!)).toMatchObject({ level, message: 'tools/call' });
    }
  });

  const request: RequestFields = {
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', parent_span_id: undefined,
    session_id: 'c0ffee00-1234-4abc-9def-0123456789ab', request_id: 7, method: 'resources/read', duration_ms: 0.123, status: 'ok',
    error_code: undefined, error: undefined, transport: 'http',
  };
  it.each<[string, RequestFields]>([
    ['an answered request', request],
    ['a failed one with every optional field, client-influenced text redacted', { ...request, parent_span_id: 'b7ad6b7169203331',
      request_id: 'req eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlX2hlcmU', status: 'error', error_code: '-32602',
      error: 'unknown resource mail bob@example.com' }],
    ['text that JSON escapes', { ...request, session_id: 'a"b\\c', method: 'x\ny' }],
  ])('request(): %s, the same text as log()', (_name, fields) => {
    const byRequest = logLines((l) => l.request('info', fields.method, fields));
    const byLog = logLines((l) => l.log('info', fields.method, { ...fields }));
    expect(byRequest.lines[0]!.replace(/"timestamp":"[^"]+"/, '')).toBe(byLog.lines[0]!.replace(/"timestamp":"[^"]+"/, ''));
    expect(byRequest.redactions).toEqual(byLog.redactions);
  });

  it('toolCall() and request() keep to the level and the rate limit like log()', () => {
    expect(logLines((l) => l.toolCall('info', call), 'warning').lines).toEqual(['']);
    expect(logLines((l) => l.request('info', 'resources/read', request), 'warning').lines).toEqual(['']);
    let text = '';
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
    const logger = new Logger({ destination: { stream }, level: 'info', maxLinesPerSecond: 2 }, new Redactor(() => {}));
    for (let i = 0; i < 5; i++) logger.toolCall('info', call);
    logger.flush();
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(logger.dropped).toBe(3);
  });
});
