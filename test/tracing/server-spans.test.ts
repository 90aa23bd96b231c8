// Server spans through a live Streamable HTTP server and a real SDK client: a client-supplied
// traceparent continues into the SERVER span, name/kind/attributes/status follow the OpenTelemetry
// MCP conventions, and the span's ids are the ones in audit records, log lines and exemplars.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_ID_ATTRIBUTE, TASK_META_KEY, TASK_TURN_ATTRIBUTE } from '../../src/instrument/index.js';
import { startHttpFixture, type HttpFixture } from '../instrument/fixtures/http-server.js';
import { scrape } from '../instrument/scrape.js';
import { SpanStore } from './span-store.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('server spans (tracing on, in-memory exporter)', () => {
  const exporter = new SpanStore();
  let fx: HttpFixture;
  let logText = '';
  let auditText = '';
  let openMetrics = '';
  let sessionId = '';
  let spans: ReadableSpan[] = [];

  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
    const auditFile = join(mkdtempSync(join(tmpdir(), 'trace-audit-')), 'audit.jsonl');
    fx = await startHttpFixture({ log: { stream: logStream }, auditFile, tracing: { exporter } });
    const client = new Client({ name: 'span-client', version: '1' });
    const transport = new StreamableHTTPClientTransport(fx.url);
    await client.connect(transport);
    sessionId = transport.sessionId!;
    await client.callTool({ name: 'add', arguments: { a: 1, b: 2 },
      _meta: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, [TASK_META_KEY]: { id: 'task-7', turn: 2 } } });
    await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } }); // isError result
    await client.callTool({ name: 'no_such_tool', arguments: {} }); // SDK: isError "-32602 … not found"
    await client.getPrompt({ name: 'nope', arguments: {} }).catch(() => undefined); // JSON-RPC -32602 error
    openMetrics = await scrape(fx.base, 'application/openmetrics-text; version=1.0.0');
    await transport.terminateSession();
    await client.close();
    await fx.close(); // flushes logs, audit and the batch span processor
    auditText = readFileSync(auditFile, 'utf8');
    spans = exporter.getFinishedSpans();
  });
  afterAll(() => exporter.reset());

  const named = (name: string) => {
    const found = spans.filter((s) => s.name === name);
    expect(found, `spans named "${name}" among ${spans.map((s) => s.name).join(', ')}`).toHaveLength(1);
    return found[0]!;
  };
  const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('continues the client-supplied traceparent into a SERVER span named "tools/call <tool>"', () => {
    const span = named('tools/call add');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span.parentSpanContext?.isRemote).toBe(true);
    expect(span.spanContext().spanId).not.toBe(CALLER_SPAN);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'add', 'gen_ai.operation.name': 'execute_tool',
      'mcp.session.id': sessionId, 'network.transport': 'tcp', 'network.protocol.name': 'http',
      [TASK_ID_ATTRIBUTE]: 'task-7', [TASK_TURN_ATTRIBUTE]: 2,
    });
    expect(span.attributes['jsonrpc.request.id']).toMatch(/^\d+$/);
    expect(span.attributes['mcp.protocol.version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.resource.attributes['service.name']).toBe('mcp-server');
  });

  it('starts a new trace when the client sends no traceparent, and names non-tool spans by method', () => {
    const init = named('initialize');
    expect(init.kind).toBe(SpanKind.SERVER);
    expect(init.parentSpanContext).toBeUndefined();
    expect(init.spanContext().traceId).not.toBe(CALLER_TRACE);
    expect(init.attributes['gen_ai.tool.name']).toBeUndefined();
    expect(named('tools/call divide').parentSpanContext).toBeUndefined();
  });

  it('marks failures ERROR with error.type and the message', () => {
    const divide = named('tools/call divide');
    expect(divide.status).toEqual({ code: SpanStatusCode.ERROR, message: 'division by zero' });
    expect(divide.attributes['error.type']).toBe('tool_error');

    // Unregistered names keep span names bounded (_OTHER); the attribute carries what was asked.
    const unknown = named('tools/call _OTHER');
    expect(unknown.attributes['gen_ai.tool.name']).toBe('no_such_tool');
    expect(unknown.attributes['error.type']).toBe('-32602');
    expect(unknown.status.code).toBe(SpanStatusCode.ERROR);
    expect(unknown.status.message).toMatch(/no_such_tool not found/);

    const prompt = named('prompts/get _OTHER');
    expect(prompt.attributes).toMatchObject({ 'error.type': '-32602', 'rpc.response.status_code': '-32602', 'gen_ai.prompt.name': 'nope' });
    expect(prompt.status.code).toBe(SpanStatusCode.ERROR);
    expect(prompt.status.message).toMatch(/nope/);
  });

  it('uses the span ids in the audit record (the call\'s one record), log lines and exemplars', () => {
    const span = named('tools/call add');
    const { traceId, spanId } = span.spanContext();
    const audit = lines(auditText).find((l) => l.tool === 'add')!;
    expect(audit).toMatchObject({ trace_id: traceId, span_id: spanId, parent_span_id: CALLER_SPAN, task_id: 'task-7', transport: 'http' });
    expect(String(audit.request_id)).toBe(span.attributes['jsonrpc.request.id']);
    // With an audit file a successful call's record is its audit line only; a failed one is also logged, at warning.
    expect(lines(logText).filter((l) => l.message === 'tools/call').map((l) => [l.tool, l.level]))
      .toEqual([['divide', 'warning'], ['_OTHER', 'warning']]);
    const exemplar = openMetrics.split('\n').find((l) => l.startsWith('mcp_tool_duration_seconds_bucket') && l.includes('tool="add"')
      && l.includes('# {'));
    expect(exemplar).toContain(`trace_id="${traceId}"`);
    expect(exemplar).toContain(`span_id="${spanId}"`);
    // Every request's line (its log line, or for a tools/call its audit record) carries its span's trace id, for every span.
    const records = [...lines(logText), ...lines(auditText)];
    for (const s of spans) {
      const id = s.attributes['jsonrpc.request.id'];
      const line = records.find((l) => l.span_id === s.spanContext().spanId);
      expect(line, `log line or audit record of ${s.name} (request ${String(id)})`).toMatchObject({ trace_id: s.spanContext().traceId });
    }
  });
});

describe('tracing off (the default)', () => {
  it('makes no spans and still puts trace ids in log lines', async () => {
    let logText = '';
    const logStream = new PassThrough();
    logStream.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
    const fx = await startHttpFixture({ log: { stream: logStream } });
    const client = new Client({ name: 'no-trace', version: '1' });
    const transport = new StreamableHTTPClientTransport(fx.url);
    await client.connect(transport);
    await client.callTool({ name: 'add', arguments: { a: 1, b: 1 }, _meta: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } });
    await transport.terminateSession();
    await client.close();
    await fx.close();
    const line = logText.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'tools/call')!;
    expect(line).toMatchObject({ trace_id: CALLER_TRACE, parent_span_id: CALLER_SPAN });
  });
});
