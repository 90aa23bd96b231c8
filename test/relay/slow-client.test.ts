// A client that stops reading does not make the proxy buffer: the upstream's writes stall once
// the sockets' and streams' small buffers are full, and everything arrives once the client reads.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from './cli.js';

const EVENTS = 512;
const EVENT_TEXT = `data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(128 * 1024) } })}\n\n`;
const TOTAL = EVENTS * Buffer.byteLength(EVENT_TEXT);

describe('proxy with a slow client', () => {
  let upstream: Server;
  let written = 0;
  beforeAll(async () => {
    // Writes 64 MiB of SSE as fast as the connection takes it, waiting for 'drain' as a well-behaved server does.
    upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        for (let i = 0; i < EVENTS; i++) {
          written += Buffer.byteLength(EVENT_TEXT);
          if (!res.write(EVENT_TEXT)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      })();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => { upstream.closeAllConnections(); upstream.close(() => resolve()); }));

  it('stalls the upstream while the client does not read, then delivers every byte', async () => {
    const proxy = await startProxy(new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`));
    try {
      const answer = await new Promise<import('node:http').IncomingMessage>((resolve) => {
        const req = request(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } }, resolve);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'stream', arguments: {} } }));
      });
      answer.pause();
      // Wait until the upstream stops advancing (bounded: 120 checks).
      let last = -1;
      for (let i = 0; i < 120 && written !== last; i++) {
        last = written;
        await sleep(500);
      }
      expect(written).toBeLessThan(TOTAL / 4);
      let received = 0;
      answer.on('data', (chunk: Buffer) => { received += chunk.length; });
      answer.resume();
      await new Promise((resolve) => answer.once('end', resolve));
      expect(received).toBe(TOTAL);
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});
