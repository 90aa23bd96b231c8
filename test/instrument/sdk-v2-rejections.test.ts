// SDK v2's own HTTP rejections (createMcpHandler answering 4xx with a JSON-RPC error) behind the
// instrumentation's HTTP middleware: each counted once, under its reason and JSON-RPC code, as
// test/instrument/rejection-bodies.test.ts shows for SDK 1.x.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentation, type Instrumentation } from '../../src/instrument/index.js';
import { value } from './scrape.js';

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
const ACCEPT = 'application/json, text/event-stream';

describe('SDK v2\'s own rejections', () => {
  let instr: Instrumentation;
  let http: HttpServer;
  let url = '';
  beforeAll(async () => {
    instr = createInstrumentation({ log: { stream: new PassThrough() } });
    const node = toNodeHandler(createMcpHandler(() => instr.instrumentServer(new McpServer({ name: 'v2', version: '1.0.0' }), { kind: 'http' })));
    http = createServer((req, res) => {
      instr.httpMiddleware(req, res);
      void node(req, res);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await instr.close();
    await new Promise((r) => http.close(r));
  });

  const cases: [string, RequestInit, string][] = [
    ['bad content type', { headers: { 'content-type': 'text/plain', accept: ACCEPT }, body: INIT }, 'bad_content_type'],
    ['bad protocol version header', { headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '1999-01-01' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) }, 'bad_protocol_version'],
  ];
  it.each(cases)('counts %s once, under its reason and the JSON-RPC code it answered', async (_name, init, reason) => {
    const before = await instr.registry.metrics();
    const res = await fetch(url, { method: 'POST', ...init });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const body = JSON.parse(await res.text()) as { error: { code: number } };
    let after = before;
    for (let i = 0; i < 50; i++) {
      after = await instr.registry.metrics();
      if (value(after, 'mcp_rejected_requests_total', { reason }) > value(before, 'mcp_rejected_requests_total', { reason })) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(value(after, 'mcp_rejected_requests_total', { reason }) - value(before, 'mcp_rejected_requests_total', { reason })).toBe(1);
    const code = String(body.error.code);
    expect(value(after, 'mcp_jsonrpc_errors_total', { code }) - value(before, 'mcp_jsonrpc_errors_total', { code })).toBe(1);
  });
});
