// `proxy` in front of a Streamable HTTP server that knows nothing of us, driven by a real SDK
// client: counts equal the client's record, bodies are identical on both sides of the proxy,
// sessions open and close, Authorization passes, an unreachable upstream is answered and counted.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { scrape, value } from '../instrument/scrape.js';
import { hashingFetch, startBodyRecorder } from './body-recorder.js';
import { startProxy } from './cli.js';
import { countListChanges, driveFixture } from './drive-fixture.js';
import { startPlainHttpServer, type PlainHttpServer } from './fixtures/plain-http-server.js';

describe('proxy', () => {
  let upstream: PlainHttpServer;
  beforeAll(async () => {
    upstream = await startPlainHttpServer();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('streams bodies through unchanged and exports what the client recorded', async () => {
    const recorder = await startBodyRecorder(upstream.url);
    const proxy = await startProxy(recorder.url);
    try {
      const hashing = hashingFetch();
      const transport = new StreamableHTTPClientTransport(proxy.url, { fetch: hashing.fetch, requestInit: { headers: { authorization: 'Bearer not-a-secret-token' } } });
      const client = new Client({ name: 'proxy-test', version: '1.0.0' });
      const listChanges = countListChanges(client);
      await client.connect(transport);
      // The rug pull's announcement comes on the session's GET stream.
      const record = await driveFixture(client, listChanges);

      const open = await scrape(proxy.metrics);
      expect(value(open, 'mcp_tool_invocations_total', { status: 'ok' })).toBe(record.ok);
      expect(value(open, 'mcp_tool_invocations_total', { status: 'error' })).toBe(record.isError);
      expect(value(open, 'mcp_requests_total', { method: 'tools/list' })).toBe(record.lists);
      expect(value(open, 'mcp_handshakes_total', { outcome: 'success', client_name: 'proxy-test' })).toBe(1);
      expect(value(open, 'mcp_active_connections', { transport: 'http' })).toBe(1);
      expect(value(open, 'mcp_tool_definition_changes_total', { tool: 'rug_pull', change: 'modified' })).toBe(1);
      expect(value(open, 'mcp_message_size_bytes_count', { direction: 'out', type: 'notification' })).toBe(1);

      await transport.terminateSession();
      await client.close();
      const closed = await scrape(proxy.metrics);
      expect(value(closed, 'mcp_active_connections', { transport: 'http' })).toBe(0);
      expect(value(closed, 'mcp_session_duration_seconds_count', { transport: 'http' })).toBe(1);
      expect(upstream.authorizations.length).toBeGreaterThan(0);
      expect(new Set(upstream.authorizations)).toEqual(new Set(['Bearer not-a-secret-token']));
      // Logged at debug level (arguments included), yet the token is nowhere in the log.
      expect(proxy.stderr()).toContain('"tool":"echo"');
      expect(proxy.stderr()).not.toContain('not-a-secret-token');

      const client_ = await hashing.digests();
      const server = recorder.digests();
      expect(server.requests).toBe(client_.requests);
      expect(server.answers).toBe(client_.answers);
      expect(server.requestBytes).toBe(client_.requestBytes);
      expect(server.answerBytes).toBe(client_.answerBytes);
    } finally {
      await proxy.stop();
      await recorder.close();
    }
  });

  it('observes a stateless server request by request: counts match, no session stays open', async () => {
    const stateless = await startPlainHttpServer(0, 'stateless');
    const proxy = await startProxy(stateless.url);
    try {
      const client = new Client({ name: 'proxy-stateless', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(proxy.url));
      await client.listTools();
      const record = { ok: 0, isError: 0 };
      for (let i = 0; i < 12; i++) {
        const result = await client.callTool({ name: i % 3 === 0 ? 'fail' : 'echo', arguments: i % 3 === 0 ? {} : { text: `stateless ${i}` } });
        if (result.isError) record.isError++;
        else record.ok++;
      }
      await client.close();
      const text = await scrape(proxy.metrics);
      expect(value(text, 'mcp_tool_invocations_total', { tool: 'echo', status: 'ok' })).toBe(record.ok);
      expect(value(text, 'mcp_tool_invocations_total', { tool: 'fail', status: 'error' })).toBe(record.isError);
      expect(value(text, 'mcp_requests_total', { method: 'tools/list' })).toBe(1);
      expect(value(text, 'mcp_active_connections', { transport: 'http' })).toBe(0);
    } finally {
      await proxy.stop();
      await stateless.close();
    }
  });

  it('times each call from its request passing the proxy to its answer passing it, however late it is observed', async () => {
    // Observation runs in batches in a worker: a call timed by when its messages were observed
    // takes ~0 ms when both land in one batch, less than the server itself spent on it.
    const ANSWER_DELAY_MS = 4;
    const slow = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'late' }] } })), ANSWER_DELAY_MS);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const proxy = await startProxy(new URL(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/mcp`), ['--log-level', 'info']);
    try {
      for (let id = 1; id <= 20; id++) {
        const answer = await fetch(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: {} } }) });
        await answer.text();
      }
      const calls = () => proxy.stderr().split('\n').filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { method?: string; duration_ms?: number }).filter((l) => l.method === 'tools/call');
      // Observed while the proxy runs, with no scrape to make the worker catch up: the doorbell woke it.
      await expect.poll(() => calls().length, { timeout: 10_000 }).toBe(20);
      // Each answer left the server at least ANSWER_DELAY_MS (less 1 ms of timer rounding) after the request reached it.
      for (const call of calls()) expect(call.duration_ms).toBeGreaterThanOrEqual(ANSWER_DELAY_MS - 1);
    } finally {
      expect(await proxy.stop()).toBe(0);
      await new Promise<void>((resolve) => { slow.closeAllConnections(); slow.close(() => resolve()); });
    }
  });

  it('answers 502 and counts it when the upstream is unreachable', async () => {
    const gone = await startPlainHttpServer();
    const url = gone.url;
    await gone.close();
    const proxy = await startProxy(url);
    try {
      const answer = await fetch(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
      expect(answer.status).toBe(502);
      expect(value(await scrape(proxy.metrics), 'mcp_proxy_upstream_errors_total', { reason: 'connect' })).toBe(1);
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});
