// `npm run audit:export` on a real audit trail and server log (an instrumented server driven by a
// real SDK client): every output line validates against schemas/siem-event.schema.json, tool
// calls carry the span's ids, identity and cost, and security events come from the log.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/siem/export.js';
import { startHttpFixture } from '../instrument/fixtures/http-server.js';
import { SpanStore } from './span-store.js';

const REPO = new URL('../../', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(REPO, 'schemas/siem-event.schema.json'), 'utf8')) as object;
// strictRequired off: the schema's if/then names properties defined at the top level, which is valid JSON Schema.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

const exportCli = (args: string[]) => execa(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'audit', 'export', ...args], { cwd: REPO, reject: false });

describe('audit:export (SIEM JSON lines)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siem-'));
  const auditFile = join(dir, 'audit.jsonl');
  const logFile = join(dir, 'server.log');
  const spans = new SpanStore();
  let events: Record<string, unknown>[] = [];
  let stderr = '';

  beforeAll(async () => {
    const fx = await startHttpFixture({ auditFile, log: { file: logFile }, tracing: { exporter: spans } });
    const client = new Client({ name: 'siem-client', version: '1' });
    const transport = new StreamableHTTPClientTransport(fx.url);
    await client.connect(transport);
    await client.callTool({ name: 'summarize', arguments: { text: 'hello world' } }); // reports tokens and cost
    await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } }); // failed call
    // Rejected before the transport: not JSON.
    await fetch(fx.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{not json' });
    await transport.terminateSession();
    await client.close();
    await fx.close();
    const run = await exportCli([auditFile, '--log', logFile]);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    stderr = String(run.stderr);
    events = String(run.stdout).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  });

  it('writes only lines valid against the JSON Schema', () => {
    expect(events.length).toBe(3);
    for (const e of events) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(stderr).toMatch(/3 events exported/);
  });

  it('turns audit lines into tool_call events with the span ids, identity and cost', () => {
    const byTool = new Map(events.filter((e) => e.event_type === 'tool_call').map((e) => [e.tool, e]));
    const summarize = byTool.get('summarize')!;
    const span = spans.getFinishedSpans().find((s) => s.name === 'tools/call summarize')!;
    expect(summarize).toMatchObject({
      schema_version: 'mcp-observability.siem/v1', outcome: 'success', severity: 'info', client_name: 'siem-client',
      trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId, input_tokens: 11, output_tokens: 7, cost_usd: 0.002,
      audit_seq: 1, source: 'audit', transport: 'http', request_id: expect.any(Number),
    });
    expect(summarize.audit_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(byTool.get('divide')).toMatchObject({ outcome: 'failure', severity: 'warning', error_type: 'tool_error', audit_seq: 2 });
  });

  it('takes security events from the log', () => {
    const rejection = events.find((e) => e.event_type === 'http_rejection')!;
    expect(rejection).toMatchObject({ error_type: 'parse_error', http_status: 400, outcome: 'failure', source: 'log' });
  });

  it('filters by --since and rejects a bad one with the flag named', async () => {
    const future = await exportCli([auditFile, '--since', '2999-01-01T00:00:00Z']);
    expect(future.exitCode).toBe(0);
    expect(String(future.stdout)).toBe('');
    const recent = await exportCli([auditFile, '--since', '1h']);
    expect(String(recent.stdout).trim().split('\n')).toHaveLength(2);
    const bad = await exportCli([auditFile, '--since', 'yesterday']);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toMatch(/--since: expected an ISO-8601 time/);
    expect(parseSince('30m', Date.parse('2026-01-01T01:00:00Z')).toISOString()).toBe('2026-01-01T00:30:00.000Z');
  });
});
