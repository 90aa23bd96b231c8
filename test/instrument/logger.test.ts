// The JSON line format: timestamp, level, message first, then the caller's fields in order,
// undefined fields left out, untrusted values redacted, and the caller's object never changed.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/instrument/logger.js';
import { Redactor } from '../../src/instrument/redact.js';

function logLines(write: (logger: Logger) => void): { lines: string[]; redactions: string[] } {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  const redactions: string[] = [];
  const logger = new Logger({ destination: { stream }, level: 'info', maxLinesPerSecond: 1000 }, new Redactor((d) => redactions.push(d)));
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
});
