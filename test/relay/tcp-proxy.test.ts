// What the TCP-level relay must do that an HTTP library did for the old proxy: pipelined requests
// on one connection answered in order and each observed, the Host line made the upstream's,
// Expect: 100-continue, and an upstream that breaks off mid-answer counted as a reset.
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, value } from '../instrument/scrape.js';
import { startProxy } from './cli.js';

const LIST = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' });
const POST = (body: string) => `POST /mcp HTTP/1.1\r\nHost: proxy.example\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('proxy, relaying at the TCP level', () => {
  let upstream: Server;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const hosts: string[] = [];
  beforeAll(async () => {
    // Answers tools/list with no tools; `break` gets half an answer and a closed connection.
    upstream = createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
      req.on('end', () => {
        const message = JSON.parse(body) as { id: number; method: string };
        if (message.method === 'break') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"jsonrpc":"2.0",');
          setTimeout(() => req.socket.destroy(), 50);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { tools: [] } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    proxy = await startProxy(new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`));
  });
  afterAll(async () => {
    expect(await proxy.stop()).toBe(0);
    await new Promise<void>((resolve) => { upstream.closeAllConnections(); upstream.close(() => resolve()); });
  });

  it('answers pipelined requests in order, observes each, and gives the upstream its own Host', async () => {
    const socket = connect(Number(proxy.url.port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
    socket.write(POST(LIST(1)) + POST(LIST(2)) + POST(LIST(3)));
    await expect.poll(() => text.split('"result"').length - 1).toBe(3);
    socket.destroy();
    expect([...text.matchAll(/"id":(\d)/g)].map((m) => m[1])).toEqual(['1', '2', '3']);
    expect(hosts).toEqual(Array(3).fill(`127.0.0.1:${(upstream.address() as AddressInfo).port}`));
    expect(value(await scrape(proxy.metrics), 'mcp_requests_total', { method: 'tools/list' })).toBe(3);
  });

  it('passes Expect: 100-continue both ways', async () => {
    const body = LIST(4);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    expect(status).toBe(200);
    expect(value(await scrape(proxy.metrics), 'mcp_requests_total', { method: 'tools/list' })).toBe(4);
  });

  it('cuts the client off and counts a reset when the upstream breaks off mid-answer', async () => {
    const answer = await fetch(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'break' }) });
    await expect(answer.text()).rejects.toThrow();
    expect(value(await scrape(proxy.metrics), 'mcp_proxy_upstream_errors_total', { reason: 'reset' })).toBe(1);
    expect(value(await scrape(proxy.metrics), 'mcp_proxy_upstream_errors_total', { reason: 'connect' })).toBe(0);
  });
});
