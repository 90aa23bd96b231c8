// The rejection middleware keeps the body of an error answer (to read its JSON-RPC code) through
// one shared `end` per response, a response it already watches is not watched again, and a
// successful answer costs no listener.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRejectionMiddleware, type Rejection } from '../../src/instrument/http.js';

const PARSE_ERROR = JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });

/** One request to a loopback server whose handler mounts the middleware `mounts` times, then answers 400. */
async function rejectOnce(mounts: number, endAgain = false): Promise<{ status: number; body: string; reports: Rejection[] }> {
  const reports: Rejection[] = [];
  const middleware = createRejectionMiddleware((r) => reports.push(r));
  const server = createServer((req, res) => {
    for (let i = 0; i < mounts; i++) middleware(req, res);
    res.writeHead(400, { 'content-type': 'application/json' }).end(PARSE_ERROR);
    if (endAgain) res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, { method: 'POST', body: '{' });
    const body = await res.text();
    for (let i = 0; i < 50 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    return { status: res.status, body, reports };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('rejection middleware', () => {
  it('reads the JSON-RPC code of the error body and leaves the answer as written', async () => {
    const { status, body, reports } = await rejectOnce(1);
    expect(status).toBe(400);
    expect(body).toBe(PARSE_ERROR);
    expect(reports.map((r) => [r.reason, r.code, r.status])).toEqual([['parse_error', -32700, 400]]);
  });

  it('mounted twice, answers as written and counts the rejection once', async () => {
    const { status, body, reports } = await rejectOnce(2);
    expect(status).toBe(400);
    expect(body).toBe(PARSE_ERROR);
    expect(reports.map((r) => r.reason)).toEqual(['parse_error']);
  });

  it('counts an error answer once when end() is called again after it', async () => {
    const { reports } = await rejectOnce(1, true);
    expect(reports.map((r) => [r.reason, r.code])).toEqual([['parse_error', -32700]]);
  });

  it('does not count 405 to a GET (a server offering no SSE stream, as stateless servers answer every 2025-era client), but does to a POST', async () => {
    const reports: Rejection[] = [];
    const middleware = createRejectionMiddleware((r) => reports.push(r));
    const server = createServer((req, res) => {
      middleware(req, res);
      res.writeHead(405, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
      expect((await fetch(url, { headers: { accept: 'text/event-stream' } })).status).toBe(405);
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(405);
      for (let i = 0; i < 50 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(reports.map((r) => [r.reason, r.status])).toEqual([['bad_request', 405]]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('adds no listener to a successful answer', async () => {
    const middleware = createRejectionMiddleware(() => {});
    let finishListeners = -1;
    const server = createServer((req, res) => {
      const before = res.listenerCount('finish');
      middleware(req, res);
      res.writeHead(200).end('ok');
      finishListeners = res.listenerCount('finish') - before;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)).text()).toBe('ok');
      expect(finishListeners).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
