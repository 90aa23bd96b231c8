// Stateless Streamable HTTP (one transport and server per POST, no session ids): two calls with
// the same JSON-RPC id in flight at once each book their own tokens through their handler's extra.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { createInstrumentation } from '../../src/instrument/index.js';
import { value } from './scrape.js';

it('books tokens on the right call when stateless requests share a request id', async () => {
  let logText = '';
  const log = new PassThrough();
  log.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
  const instr = createInstrumentation({ log: { stream: log }, tools: ['count'] });
  let arrived = 0;
  let release!: () => void;
  const bothIn = new Promise<void>((r) => { release = r; });
  const http = createServer(async (req, res) => {
    const server = new McpServer({ name: 'stateless', version: '1' });
    server.registerTool('count', { inputSchema: { n: z.number() } }, async ({ n }, extra) => {
      if (++arrived === 2) release();
      await bothIn; // both calls are open when either reports
      instr.reportTokens({ inputTokens: n, outputTokens: 1 }, extra);
      return { content: [{ type: 'text', text: String(n) }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(instr.instrumentTransport(transport, { kind: 'http', server }));
    res.on('close', () => { void transport.close(); void server.close(); });
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  const call = (n: number) => fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'count', arguments: { n } } }),
  }).then((r) => r.json() as Promise<{ result?: { isError?: boolean; content: { text: string }[] } }>);
  const answers = await Promise.all([call(100), call(5)]);
  const metrics = await instr.registry.metrics();
  instr.logger.flush();
  await instr.close();
  await new Promise((r) => http.close(r));

  expect(answers.map((a) => [a.result?.isError ?? false, a.result?.content[0]?.text])).toEqual([[false, '100'], [false, '5']]);
  expect(value(metrics, 'mcp_tool_tokens_total', { tool: 'count', token_type: 'input' })).toBe(105);
  const lines = logText.trim().split('\n').map((l) => JSON.parse(l) as { message: string; tokens?: { input: number } });
  expect(lines.filter((l) => l.message === 'tools/call').map((l) => l.tokens?.input).sort((a, b) => a! - b!)).toEqual([5, 100]);
});
