// Rejections are counted under their real reason and JSON-RPC code whatever the error body is
// written with: a string, a Buffer, a Uint8Array (what the SDK's HTTP layer ends with), or streamed
// in chunks; and through a live SDK transport, its own 400/406/415 answers.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRejectionMiddleware, type Rejection } from '../../src/instrument/http.js';
import { startHttpFixture, type HttpFixture } from './fixtures/http-server.js';
import { scrape, value } from './scrape.js';

const BAD_VERSION = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: Unsupported protocol version: 1999-01-01' }, id: null });

const writers: [string, (res: ServerResponse) => void][] = [
  ['string', (res) => res.end(BAD_VERSION)],
  ['Buffer', (res) => res.end(Buffer.from(BAD_VERSION))],
  ['Uint8Array', (res) => res.end(new TextEncoder().encode(BAD_VERSION))],
  ['streamed', (res) => {
    const bytes = new TextEncoder().encode(BAD_VERSION);
    res.write(bytes.subarray(0, 10));
    res.write(Buffer.from(bytes.subarray(10, 30)));
    res.write(new TextDecoder().decode(bytes.subarray(30, 50)));
    res.end(bytes.subarray(50));
  }],
];

describe('rejection bodies', () => {
  it.each(writers)('reads the JSON-RPC error of a body written as %s', async (_kind, write) => {
    const reports: Rejection[] = [];
    const middleware = createRejectionMiddleware((r) => reports.push(r));
    const server = createServer((req, res) => {
      middleware(req, res);
      res.writeHead(400, { 'content-type': 'application/json' });
      write(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, { method: 'POST', body: '{}' });
      expect(await res.text()).toBe(BAD_VERSION);
      for (let i = 0; i < 50 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(reports.map((r) => [r.reason, r.code, r.status])).toEqual([['bad_protocol_version', -32000, 400]]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the SDK transport\'s own rejections', () => {
  let fx: HttpFixture;
  beforeAll(async () => { fx = await startHttpFixture({ log: { stream: new Writable({ write: (_c, _e, done) => done() }) } }); });
  afterAll(async () => fx.close());

  const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const ACCEPT = 'application/json, text/event-stream';
  /** A session id from a raw initialize (the SDK checks the protocol version header on later requests). */
  const session = async () => (await fetch(fx.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: INIT }))
    .headers.get('mcp-session-id')!;
  const cases: [string, () => Promise<RequestInit>, number, string][] = [
    ['bad Accept', async () => ({ headers: { 'content-type': 'application/json', accept: 'application/json' }, body: INIT }), 406, 'bad_accept'],
    ['bad content type', async () => ({ headers: { 'content-type': 'text/plain', accept: ACCEPT }, body: INIT }), 415, 'bad_content_type'],
    ['bad protocol version header', async () => ({ headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-session-id': await session(),
      'mcp-protocol-version': '1999-01-01' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) }), 400, 'bad_protocol_version'],
  ];
  it.each(cases)('counts %s under its reason and JSON-RPC code', async (_name, request, status, reason) => {
    const init = await request();
    const before = await scrape(fx.base);
    const res = await fetch(fx.url, { method: 'POST', ...init });
    expect(res.status).toBe(status);
    const body = JSON.parse(await res.text()) as { error: { code: number } };
    for (let i = 0; i < 50; i++) {
      if (value(await scrape(fx.base), 'mcp_rejected_requests_total', { reason }) > value(before, 'mcp_rejected_requests_total', { reason })) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const after = await scrape(fx.base);
    expect(value(after, 'mcp_rejected_requests_total', { reason }) - value(before, 'mcp_rejected_requests_total', { reason })).toBe(1);
    const code = String(body.error.code);
    expect(value(after, 'mcp_jsonrpc_errors_total', { code }) - value(before, 'mcp_jsonrpc_errors_total', { code })).toBe(1);
  });
});
