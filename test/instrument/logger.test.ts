// The JSON line format: timestamp, level, message first, then the caller's fields in order,
// undefined fields left out, untrusted values redacted, and the caller's object never changed.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Logger, type LogLevel, type RequestFields } from '../../src/instrument/logger.js';
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

  const call: RequestFields = {
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', parent_span_id: undefined,
    session_id: 'c0ffee00-1234-4abc-9def-0123456789ab', request_id: 7, method: 'tools/call', tool: 'summarize',
    duration_ms: 0.123, status: 'ok', error_type: undefined, error_code: undefined, error: undefined,
    transport: 'stdio', client: 'claude-code', subject: undefined, client_id: undefined,
    arguments: undefined, tokens: { input: 19, output: 5, costUsd: 0.00000585 }, task_id: undefined,
  };
  // request() writes its fields one by one; log() of the same object is the reference it must equal, redactions included.
  it.each<[string, RequestFields]>([
    ['a tool call with tokens', call],
    ['a failed call with every optional field, client-influenced text redacted', { ...call,
      parent_span_id: 'b7ad6b7169203331', request_id: 'req eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlX2hlcmU', status: 'error',
      error_type: 'tool_error', error_code: '-32603', error: 'could not mail bob@example.com', client: 'agent of ann@example.org',
      subject: 'user-42', client_id: 'cli-7', task_id: 'task Bearer abcdefghijklmnop' }],
    ['text that JSON escapes', { ...call, session_id: 'a"b\\c', method: 'x\ny', tool: 'caf\u00e9 \ud83d\ude00 \ud800', client: 'tab\there' }],
    ['arguments at debug: sensitive keys and values redacted', { ...call,
      arguments: { query: 'mail me at a@b.io', api_key: 'sk-live-0123456789abcdef', nested: [{ password: 'x' }, 3, null] } }],
    ['arguments that are not objects, a non-finite cost', { ...call, arguments: 42, tokens: { input: 1, output: 0, costUsd: Number.NaN } }],
    ['a method other than tools/call', { ...call, method: 'resources/read', tool: undefined, tokens: undefined, client: undefined,
      status: 'error', error_code: '-32602', error: 'unknown resource' }],
  ])('request(): %s, the same text as log()', (_name, fields) => {
    const byRequest = logLines((l) => l.request('debug', 'tools/call', fields), 'debug');
    const byLog = logLines((l) => l.log('debug', 'tools/call', { ...fields }), 'debug');
    expect(byRequest.lines[0]!.replace(/"timestamp":"[^"]+"/, '')).toBe(byLog.lines[0]!.replace(/"timestamp":"[^"]+"/, ''));
    expect(byRequest.redactions).toEqual(byLog.redactions);
    expect(JSON.parse(byRequest.lines[0]!)).toMatchObject({ level: 'debug', message: 'tools/call' });
  });

  it('request() keeps to the level and the rate limit like log()', () => {
    expect(logLines((l) => l.request('info', 'tools/call', call), 'warning').lines).toEqual(['']);
    let text = '';
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
    const logger = new Logger({ destination: { stream }, level: 'info', maxLinesPerSecond: 2 }, new Redactor(() => {}));
    for (let i = 0; i < 5; i++) logger.request('info', 'tools/call', call);
    logger.flush();
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(logger.dropped).toBe(3);
  });
});
