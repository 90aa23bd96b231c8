// One record per tool call (issue 22): the audit record and the request log line are built from one
// object per call; with an audit file the record is the audit line and the log repeats only failed
// calls (logAuditedCalls: 'failed', the default; 'all' repeats every call, 'none' none); without an
// audit file the request line is written as before. Driven by a real SDK client against a low-level
// SDK server whose handlers answer ok, with an isError result, and with a JSON-RPC error.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../src/instrument/audit.js';
import { verifyAuditText } from '../../src/instrument/audit-verify.js';
import { createInstrumentation, TASK_META_KEY, type InstrumentationOptions } from '../../src/instrument/index.js';
import { exportLines, type ExportCounts } from '../../src/cli/siem/export.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const KEY = { secret: Buffer.from('test-audit-key-0123456789abcdef') };
type Line = Record<string, unknown>;

/** Three calls (ok with tokens, trace context and a task; an isError result; a JSON-RPC error), then closed. */
async function threeCalls(options: InstrumentationOptions, spy?: (instr: ReturnType<typeof createInstrumentation>) => void) {
  let logText = '';
  const log = new PassThrough();
  log.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
  const instr = createInstrumentation({ tools: ['add', 'fail', 'boom'], log: { stream: log }, ...options });
  spy?.(instr);
  const server = new Server({ name: 'record', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    if (req.params.name === 'boom') throw new McpError(ErrorCode.InternalError, 'boom');
    if (req.params.name === 'fail') return { content: [{ type: 'text', text: 'failed on purpose' }], isError: true };
    instr.reportTokens({ inputTokens: 7, outputTokens: 3, costUsd: 0.002 }, extra);
    return { content: [{ type: 'text', text: '3' }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio' }));
  const client = new Client({ name: 'record-client', version: '1' });
  await client.connect(clientSide);
  await client.callTool({ name: 'add', arguments: { a: 1, b: 2 },
    _meta: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, [TASK_META_KEY]: { id: 'task-7', turn: 1 } } });
  await client.callTool({ name: 'fail', arguments: {} });
  await client.callTool({ name: 'boom', arguments: {} }).catch(() => undefined);
  await client.close();
  await instr.close();
  const parse = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  const auditText = options.auditFile ? readFileSync(options.auditFile, 'utf8') : '';
  return { logLines: parse(logText), audit: parse(auditText), auditText };
}

const auditFile = () => join(mkdtempSync(join(tmpdir(), 'call-record-')), 'audit.jsonl');
const callLines = (lines: Line[]) => lines.filter((l) => l.message === 'tools/call');
/** The facts a request line and its audit record both state, each under its own name. */
const FACTS = ['trace_id', 'span_id', 'parent_span_id', 'session_id', 'request_id', 'transport', 'error_type', 'error_code',
  'client', 'subject', 'client_id', 'task_id'] as const;

describe('one record per tool call', () => {
  it('with an audit file: one record per call carrying every fact of the request line, and no info request line', async () => {
    const { logLines, audit } = await threeCalls({ auditFile: auditFile() });
    expect(audit.map((r) => r.tool)).toEqual(['add', 'fail', 'boom']);
    const [add, fail, boom] = audit as [Line, Line, Line];
    expect(add).toMatchObject({ client: 'record-client', arguments: { a: 1, b: 2 }, outcome: 'ok', trace_id: CALLER_TRACE,
      parent_span_id: CALLER_SPAN, transport: 'stdio', task_id: 'task-7', input_tokens: 7, output_tokens: 3, cost_usd: 0.002 });
    expect(add.request_id).toEqual(expect.any(Number));
    expect(add.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(fail).toMatchObject({ outcome: 'error', error_type: 'tool_error', transport: 'stdio' });
    expect(boom).toMatchObject({ outcome: 'error', error_type: 'internal_error', error_code: '-32603', transport: 'stdio' });
    // Ids are the client's: one per request, increasing.
    expect(new Set(audit.map((r) => r.request_id)).size).toBe(3);
    // The successful call is in the audit trail only; failed calls are repeated in the log at warning.
    const lines = callLines(logLines);
    expect(lines.map((l) => [l.tool, l.level])).toEqual([['fail', 'warning'], ['boom', 'warning']]);
    // The log line says nothing its audit record does not.
    for (const line of lines) {
      const record = audit.find((r) => r.span_id === line.span_id)!;
      for (const fact of FACTS) expect(record[fact], `${fact} of ${String(line.tool)}`).toEqual(line[fact]);
      expect(record.latency_ms).toBe(line.duration_ms);
      expect(record.outcome).toBe('error');
    }
  });

  it('logAuditedCalls: \'all\' repeats every call in the log, \'none\' not even failures', async () => {
    const all = await threeCalls({ auditFile: auditFile(), logAuditedCalls: 'all' });
    expect(callLines(all.logLines).map((l) => [l.tool, l.level])).toEqual([['add', 'info'], ['fail', 'warning'], ['boom', 'warning']]);
    const add = callLines(all.logLines)[0]!;
    expect(all.audit[0]).toMatchObject({ span_id: add.span_id, request_id: add.request_id, task_id: 'task-7' });
    const none = await threeCalls({ auditFile: auditFile(), logAuditedCalls: 'none' });
    expect(callLines(none.logLines)).toEqual([]);
    expect(none.audit).toHaveLength(3);
  });

  it('without an audit file: the request line as before, for every call', async () => {
    const { logLines } = await threeCalls({});
    const lines = callLines(logLines);
    expect(lines.map((l) => [l.tool, l.level, l.status])).toEqual([['add', 'info', 'ok'], ['fail', 'warning', 'error'], ['boom', 'warning', 'error']]);
    expect(Object.keys(lines[0]!)).toEqual(['timestamp', 'level', 'message', 'trace_id', 'span_id', 'parent_span_id', 'request_id',
      'method', 'tool', 'duration_ms', 'status', 'transport', 'client', 'tokens', 'task_id']);
    expect(lines[0]).toMatchObject({ method: 'tools/call', trace_id: CALLER_TRACE, parent_span_id: CALLER_SPAN, transport: 'stdio',
      client: 'record-client', tokens: { input: 7, output: 3, costUsd: 0.002 }, task_id: 'task-7' });
    expect(Object.keys(lines[2]!)).toEqual(['timestamp', 'level', 'message', 'trace_id', 'span_id', 'request_id', 'method', 'tool',
      'duration_ms', 'status', 'error_type', 'error_code', 'transport', 'client']);
  });

  it('builds one object per call: the log line and the audit record are written from the same one', async () => {
    const seen: { log: unknown[]; audit: unknown[] } = { log: [], audit: [] };
    await threeCalls({ auditFile: auditFile(), logAuditedCalls: 'all' }, (instr) => {
      const toolCall = instr.logger.toolCall.bind(instr.logger);
      instr.logger.toolCall = (level, record) => { seen.log.push(record); toolCall(level, record); };
      const record = instr.audit!.record.bind(instr.audit);
      instr.audit!.record = (r) => { seen.audit.push(r); return record(r); };
    });
    expect(seen.audit).toHaveLength(3);
    expect(seen.log).toHaveLength(3);
    seen.audit.forEach((r, i) => expect(seen.log[i]).toBe(r));
  });
});

describe('the audit trail with the new fields', () => {
  it('names the first bad record after a new field is edited', async () => {
    const file = auditFile();
    await threeCalls({ auditFile: file });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(verifyAuditText(lines.join('\n') + '\n')).toMatchObject({ ok: true, records: 3 });
    for (const field of ['request_id', 'transport', 'error_code', 'parent_span_id', 'task_id']) {
      const at = lines.findIndex((l) => l.includes(`"${field}":`));
      expect(at, field).toBeGreaterThanOrEqual(0);
      const edited = lines.map((l, i) => (i === at ? l.replace(new RegExp(`"${field}":("[^"]*"|\\d+)`), `"${field}":"x"`) : l));
      expect(edited[at]).not.toBe(lines[at]);
      expect(verifyAuditText(edited.join('\n') + '\n').firstBad, field).toMatchObject({ line: at + 1, seq: at + 1 });
    }
  });

  it('a trail written before the new fields still verifies, continues across a restart, and exports', async () => {
    const file = auditFile();
    copyFileSync('test/instrument/fixtures/audit-before-issue-22.jsonl', file);
    expect(verifyAuditText(readFileSync(file, 'utf8'), { key: KEY })).toMatchObject({ ok: true, records: 2 });
    const trail = new AuditTrail({ file, key: KEY, redact: (v) => v, redactString: (s) => s, onWrite: () => {} });
    trail.record({ session_id: undefined, client: 'new-client', subject: undefined, client_id: undefined, tool: 'add', tool_label: 'add',
      arguments: { a: 1 }, outcome: 'ok', error_type: undefined, error_code: undefined, latency_ms: 2, trace_id: 'a'.repeat(32),
      span_id: 'b'.repeat(16), parent_span_id: undefined, request_id: 'r-1', transport: 'http', task_id: 'task-1', tokens: undefined });
    await trail.close();
    const text = readFileSync(file, 'utf8');
    expect(verifyAuditText(text, { key: KEY })).toMatchObject({ ok: true, records: 3 });
    const events: Line[] = [];
    const counts: ExportCounts = { exported: 0, unreadable: 0, skipped: 0 };
    exportLines(text, 'audit', undefined, (l) => events.push(JSON.parse(l) as Line), counts);
    expect(counts).toEqual({ exported: 3, unreadable: 0, skipped: 0 });
    expect(events[0]).not.toHaveProperty('request_id');
    expect(events[0]).toMatchObject({ tool: 'add', latency_ms: 1.25, input_tokens: 5 });
    expect(events[2]).toMatchObject({ tool: 'add', request_id: 'r-1', transport: 'http', task_id: 'task-1', client_name: 'new-client' });
    writeFileSync(file, text.replace('"transport":"http"', '"transport":"stdio"'));
    expect(verifyAuditText(readFileSync(file, 'utf8'), { key: KEY }).firstBad).toMatchObject({ line: 3, seq: 3 });
  });
});
