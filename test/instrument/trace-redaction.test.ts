// Trace context continues from params._meta.traceparent into logs, audit lines and exemplars;
// secrets and personal data in arguments never reach a log or audit line.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/instrument/redact.js';
import { startHttpFixture, type HttpFixture } from './fixtures/http-server.js';
import { scrape, value } from './scrape.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

/** Secrets and PII, each with the detector expected to catch it. */
const CORPUS: [string, string][] = [
  ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'bearer'],
  ['eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiYWxpY2UifQ.c2lnbmF0dXJlX2hlcmVfMTIz', 'jwt'],
  ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234', 'openai_key'],
  ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github_token'],
  ['AKIAIOSFODNN7EXAMPLE', 'aws_access_key'],
  ['alice.smith@example.com', 'email'],
  ['4111 1111 1111 1111', 'card'],
  ['5500-0000-0000-0004', 'card'],
];
const SENSITIVE_KEYS: Record<string, string> = {
  password: 'hunter2-correct-horse', api_key: 'plain-looking-value-42', Authorization: 'Basic dXNlcjpwYXNz',
  client_secret: 's3cr3t-v4lu3', refreshToken: 'rt-0123456789',
};

describe('Redactor', () => {
  it.each(CORPUS)('replaces %s (%s)', (secret, detector) => {
    const seen: string[] = [];
    const out = new Redactor((d) => seen.push(d)).redactString(`note: ${secret} end`);
    expect(out).not.toContain(secret);
    expect(out).toContain(`[REDACTED:${detector}]`);
    expect(seen).toContain(detector);
  });

  it('drops values of sensitive keys at any depth and leaves ordinary data alone', () => {
    const seen: string[] = [];
    const out = new Redactor((d) => seen.push(d)).redact({ user: { ...SENSITIVE_KEYS }, query: 'weather in Paris', n: 42,
      order: '1234 5678 9012 3456' /* fails Luhn: not a card */ }) as Record<string, Record<string, string>>;
    for (const v of Object.values(SENSITIVE_KEYS)) expect(JSON.stringify(out)).not.toContain(v);
    expect(out.query).toBe('weather in Paris');
    expect(out.order).toBe('1234 5678 9012 3456');
    expect(seen.filter((d) => d === 'key')).toHaveLength(Object.keys(SENSITIVE_KEYS).length);
  });
});

describe('trace context and redaction through a live server', () => {
  let fx: HttpFixture;
  let logText = '';
  let auditText = '';
  let openMetrics = '';
  let promText = '';

  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
    const auditFile = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
    // The request line repeated beside the audit record (logAuditedCalls: 'all'), so both are checked for trace ids and redaction.
    fx = await startHttpFixture({ log: { stream: logStream }, logLevel: 'debug', auditFile, logAuditedCalls: 'all' });
    const client = new Client({ name: 'trace-client', version: '1' });
    const transport = new StreamableHTTPClientTransport(fx.url);
    await client.connect(transport);
    const payload = { ...SENSITIVE_KEYS, notes: CORPUS.map(([s]) => s) };
    await client.callTool({ name: 'echo', arguments: { payload }, _meta: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` } });
    await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }); // no traceparent: a new trace
    await transport.terminateSession();
    await client.close();
    fx.instr.logger.flush();
    fx.instr.audit!.flush();
    auditText = readFileSync(auditFile, 'utf8');
    openMetrics = await scrape(fx.base, 'application/openmetrics-text; version=1.0.0');
    promText = await scrape(fx.base);
  });
  afterAll(async () => fx.close());

  const logLines = () => logText.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const auditLines = () => auditText.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('continues the caller trace in the log line, with a new server span', () => {
    const line = logLines().find((l) => l.message === 'tools/call' && l.tool === 'echo')!;
    expect(line).toMatchObject({ level: 'info', trace_id: TRACE_ID, parent_span_id: PARENT_SPAN, method: 'tools/call',
      status: 'ok', transport: 'http' });
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(line.span_id).not.toBe(PARENT_SPAN);
    expect(typeof line.duration_ms).toBe('number');
    expect(line.session_id).toMatch(/^[0-9a-f-]{36}$/);
    const other = logLines().find((l) => l.message === 'tools/call' && l.tool === 'add')!;
    expect(other.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(other.trace_id).not.toBe(TRACE_ID);
    expect(other.parent_span_id).toBeUndefined();
  });

  it('writes the trace id into the audit line', () => {
    const echo = auditLines().find((l) => l.tool === 'echo')!;
    expect(echo).toMatchObject({ trace_id: TRACE_ID, outcome: 'ok', client: 'trace-client', seq: 1 });
  });

  it('puts the trace id on the duration histogram as an exemplar, only in OpenMetrics', () => {
    const bucket = openMetrics.split('\n').find((l) => l.startsWith('mcp_tool_duration_seconds_bucket') && l.includes('tool="echo"')
      && l.includes('# {'));
    expect(bucket).toContain(`trace_id="${TRACE_ID}"`);
    expect(openMetrics.trimEnd().endsWith('# EOF')).toBe(true);
    expect(promText).not.toContain('trace_id=');
    expect(promText).toContain('mcp_tool_invocations_total{');
  });

  it('keeps every secret and PII value out of logs and audit lines, and counts the redactions', () => {
    expect(logLines().some((l) => l.arguments !== undefined)).toBe(true); // debug level logs arguments…
    for (const secret of [...CORPUS.map(([s]) => s), ...Object.values(SENSITIVE_KEYS)]) {
      expect(logText).not.toContain(secret); // …redacted
      expect(auditText).not.toContain(secret);
    }
    for (const detector of ['key', 'bearer', 'jwt', 'openai_key', 'github_token', 'aws_access_key', 'email', 'card']) {
      expect(value(promText, 'mcp_redactions_total', { detector }), detector).toBeGreaterThan(0);
    }
  });
});
