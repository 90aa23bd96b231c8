// Message sizes are the bytes on the wire where the transport lets us count them. Stdio: what the
// SDK transport read (without the line ending, \n or \r\n) and wrote (without the trailing \n),
// in UTF-8, so non-ASCII text counts in full; the stream it writes to is left as it is. Streamable
// HTTP, inbound: a one-message POST counts its Content-Length; a batch's messages are serialised;
// outbound on SSE: the UTF-8 bytes of each event's data. The SDK's InMemoryTransport hands objects
// over: no bytes exist, so its messages are not sized.
import { PassThrough, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInstrumentation } from '../../src/instrument/index.js';
import { startHttpFixture } from './fixtures/http-server.js';
import { scrape, value } from './scrape.js';

const lines = [
  `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"wire","version":"1"}}}\r\n`,
  `{"jsonrpc":"2.0","method":"notifications/initialized"}\n`,
  // Spaces and non-ASCII: the wire size is neither the re-serialised length nor the UTF-16 length.
  `{ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "echo", "arguments": { "text": "grüße, 世界 🌍" } } }\n`,
];

/** Log lines of the instrumentation under test go nowhere. */
const quietLog = () => ({ stream: new Writable({ write: (_c, _e, done) => done() }) });

describe('message sizes on stdio', () => {
  it('are the bytes the transport read and wrote', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const written: string[] = [];
    let buffered = '';
    stdout.on('data', (c: Buffer) => {
      buffered += c.toString('utf8');
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        written.push(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
      }
    });
    const instr = createInstrumentation({ log: quietLog() });
    const server = new McpServer({ name: 'wire', version: '1' });
    server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text: `${text} → ✓` }] }));
    const transport = new StdioServerTransport(stdin, stdout);
    await server.connect(instr.instrumentTransport(transport, { kind: 'stdio', server }));
    // The last line arrives in two chunks split inside a multi-byte character.
    const last = Buffer.from(lines[2]!);
    stdin.write(lines[0]! + lines[1]!);
    stdin.write(last.subarray(0, 60));
    stdin.write(last.subarray(60));
    for (let i = 0; i < 100 && written.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const metrics = await instr.registry.metrics();
    await server.close();
    await instr.close();

    expect(written).toHaveLength(2);
    const bytesIn = lines.reduce((sum, l) => sum + Buffer.byteLength(l.replace(/\r?\n$/, '')), 0);
    const bytesOut = written.reduce((sum, l) => sum + Buffer.byteLength(l), 0);
    const sum = (direction: string) => value(metrics, 'mcp_message_size_bytes_sum', { direction });
    expect(value(metrics, 'mcp_message_size_bytes_count', { direction: 'in' })).toBe(3);
    expect(sum('in')).toBe(bytesIn);
    expect(value(metrics, 'mcp_message_size_bytes_count', { direction: 'out' })).toBe(2);
    expect(sum('out')).toBe(bytesOut);
    expect(written[1]).toContain('世界');
    expect(sum('out')).toBeGreaterThan(written.reduce((n, l) => n + l.length, 0)); // UTF-8, not UTF-16 units
    expect(Object.hasOwn(stdout, 'write')).toBe(false);
  });
});

/** Initialises a Streamable HTTP session with raw fetch; answers the headers its later POSTs carry. */
async function openSession(url: URL): Promise<Record<string, string>> {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'wire', version: '1' } } }) });
  await init.text();
  return { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' };
}

describe('message sizes on Streamable HTTP, inbound', () => {
  it('are the POST body length for one message, and each message serialised for a batch', async () => {
    const fx = await startHttpFixture({ log: quietLog() });
    try {
      const session = await openSession(fx.url);
      const before = await scrape(fx.base);
      const inCount = (text: string, type: string) => value(text, 'mcp_message_size_bytes_count', { direction: 'in', type });
      const inSum = (text: string, type: string) => value(text, 'mcp_message_size_bytes_sum', { direction: 'in', type });

      const call = `{ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "echo", "arguments": { "payload": { "t": "grüße 世界" } } } }`;
      await (await fetch(fx.url, { method: 'POST', headers: session, body: call })).text();
      const batch = [{ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 2, progress: 2 } }];
      const batchBody = ` ${JSON.stringify(batch)} `;
      expect((await fetch(fx.url, { method: 'POST', headers: session, body: batchBody })).status).toBe(202);
      const after = await scrape(fx.base);

      expect(inCount(after, 'request') - inCount(before, 'request')).toBe(1);
      expect(inSum(after, 'request') - inSum(before, 'request')).toBe(Buffer.byteLength(call));
      expect(inCount(after, 'notification') - inCount(before, 'notification')).toBe(2);
      expect(inSum(after, 'notification') - inSum(before, 'notification'))
        .toBe(batch.reduce((n, m) => n + JSON.stringify(m).length, 0));
    } finally {
      await fx.close();
    }
  });
});

describe('message sizes on Streamable HTTP, outbound on SSE', () => {
  it('are the UTF-8 bytes of each event\'s data, as the client receives them', async () => {
    const fx = await startHttpFixture({ log: quietLog() });
    try {
      const session = await openSession(fx.url);
      const before = await scrape(fx.base);
      const res = await fetch(fx.url, { method: 'POST', headers: session,
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { payload: { t: 'grüße 世界 🌍' } } } }) });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const data = (await res.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length));
      const after = await scrape(fx.base);
      const out = (text: string, field: 'count' | 'sum') => value(text, `mcp_message_size_bytes_${field}`, { direction: 'out', type: 'response' });

      expect(data).toHaveLength(1);
      expect(data[0]).toContain('世界');
      expect(out(after, 'count') - out(before, 'count')).toBe(1);
      expect(out(after, 'sum') - out(before, 'sum')).toBe(Buffer.byteLength(data[0]!));
      expect(Buffer.byteLength(data[0]!)).toBeGreaterThan(data[0]!.length); // UTF-8 bytes, not the serialised UTF-16 length
    } finally {
      await fx.close();
    }
  });
});

describe('messages on the SDK InMemoryTransport', () => {
  it('are counted as requests but not sized: no bytes exist to count', async () => {
    const instr = createInstrumentation({ log: quietLog() });
    const server = new McpServer({ name: 'wire', version: '1' });
    server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio', server }));
    const client = new Client({ name: 'wire', version: '1' });
    await client.connect(clientSide);
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    const metrics = await instr.registry.metrics();
    await client.close();
    await instr.close();

    expect(value(metrics, 'mcp_requests_total', { method: 'tools/call', outcome: 'ok' })).toBe(1);
    expect(metrics).not.toMatch(/^mcp_message_size_bytes_count\{/m);
  });
});
