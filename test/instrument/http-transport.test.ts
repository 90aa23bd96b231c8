// A real SDK Client over Streamable HTTP against an instrumented McpServer: the scraped
// /metrics carry exactly what the test caused.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TASK_META_KEY, TASK_NOTIFICATION_METHOD } from '../../src/instrument/index.js';
import { startHttpFixture, type HttpFixture } from './fixtures/http-server.js';
import { scrape, value } from './scrape.js';

const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('Streamable HTTP, prom-client profile', () => {
  let fx: HttpFixture;
  let metrics: string;
  let sessionSeconds: number;

  beforeAll(async () => {
    fx = await startHttpFixture({ log: { stream: new (await import('node:stream')).PassThrough() } });
    const client = new Client({ name: 'http-test-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(fx.url);
    const opened = performance.now();
    await client.connect(transport);
    await client.listTools();
    await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } });
    await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } }); // isError
    await client.callTool({ name: 'no_such_tool', arguments: {} }); // hallucinated name
    await client.callTool({ name: 'add', arguments: { a: 'x' } }); // schema-invalid
    await client.callTool({ name: 'summarize', arguments: { text: 'abcdefghij' },
      _meta: { [TASK_META_KEY]: { id: 'task-1', turn: 1 } } });
    await client.callTool({ name: 'add', arguments: { a: 0, b: 0 }, _meta: { [TASK_META_KEY]: { id: 'task-1', turn: 2 } } });
    await client.notification({ method: TASK_NOTIFICATION_METHOD, params: { taskId: 'task-1', outcome: 'success' } } as never);
    await expect(client.request({ method: 'foo/bar', params: {} } as never, z.object({}))).rejects.toBeInstanceOf(McpError);
    await client.getPrompt({ name: 'greet', arguments: { who: 'x' } });

    // Rejected by the HTTP layer, before the transport: bad JSON, unknown session, bad Accept, bad initialize.
    const sid = transport.sessionId!;
    expect((await fetch(fx.url, { method: 'POST', headers: { ...jsonHeaders, 'mcp-session-id': sid }, body: '{"jsonrpc":' })).status).toBe(400);
    expect((await fetch(fx.url, { method: 'POST', headers: { ...jsonHeaders, 'mcp-session-id': 'nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) })).status).toBe(404);
    expect((await fetch(fx.url, { method: 'POST', headers: { ...jsonHeaders, accept: 'application/json', 'mcp-session-id': sid,
      'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) })).status).toBe(406);
    expect((await fetch(fx.url, { method: 'POST', headers: jsonHeaders,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }) })).status).toBe(400);

    await new Promise((r) => setTimeout(r, 50));
    await transport.terminateSession();
    await client.close();
    // The whole session, from before connect() to after close: the bound holds however slow the machine is.
    sessionSeconds = (performance.now() - opened) / 1000;
    metrics = await scrape(fx.base);
  });
  afterAll(async () => fx.close());

  it('counts tool calls by tool and status', () => {
    expect(value(metrics, 'mcp_tool_invocations_total', { tool: 'add', status: 'ok' })).toBe(3);
    expect(value(metrics, 'mcp_tool_invocations_total', { tool: 'add', status: 'error' })).toBe(1);
    expect(value(metrics, 'mcp_tool_invocations_total', { tool: 'divide', status: 'error' })).toBe(1);
    expect(value(metrics, 'mcp_tool_invocations_total', { tool: '_OTHER', status: 'error' })).toBe(1);
    expect(value(metrics, 'mcp_tool_duration_seconds_count', { tool: 'add' })).toBe(4);
    expect(metrics).not.toContain('no_such_tool');
  });

  it('classifies tool errors and hallucinations', () => {
    expect(value(metrics, 'mcp_tool_errors_total', { tool: 'divide', error_type: 'tool_error' })).toBe(1);
    expect(value(metrics, 'mcp_tool_errors_total', { tool: '_OTHER', error_type: 'unknown_tool' })).toBe(1);
    expect(value(metrics, 'mcp_tool_errors_total', { tool: 'add', error_type: 'invalid_params' })).toBe(1);
    expect(value(metrics, 'mcp_tool_hallucinations_total', { tool: '_OTHER', kind: 'unknown_tool' })).toBe(1);
    expect(value(metrics, 'mcp_tool_hallucinations_total', { tool: 'add', kind: 'invalid_params' })).toBe(1);
  });

  it('counts requests and JSON-RPC error codes by method', () => {
    expect(value(metrics, 'mcp_requests_total', { method: 'tools/call', transport: 'http' })).toBe(7);
    expect(value(metrics, 'mcp_requests_total', { method: 'tools/list', outcome: 'ok' })).toBe(1);
    expect(value(metrics, 'mcp_requests_total', { method: 'prompts/get', outcome: 'ok' })).toBe(1);
    expect(value(metrics, 'mcp_jsonrpc_errors_total', { method: '_OTHER', code: '-32601' })).toBe(1);
  });

  it('measures message sizes in both directions', () => {
    expect(value(metrics, 'mcp_message_size_bytes_count', { direction: 'in', type: 'request' })).toBeGreaterThanOrEqual(10);
    expect(value(metrics, 'mcp_message_size_bytes_sum', { direction: 'in' })).toBeGreaterThan(0);
    expect(value(metrics, 'mcp_message_size_bytes_sum', { direction: 'out', type: 'response' })).toBeGreaterThan(0);
    expect(value(metrics, 'mcp_message_size_bytes_count', { direction: 'in', type: 'notification' })).toBe(2);
  });

  it('records the handshake, client name, protocol version and a failed initialize', () => {
    expect(value(metrics, 'mcp_handshakes_total', { transport: 'http', outcome: 'success', client_name: 'http-test-client',
      protocol_version: '2025-11-25' })).toBe(1);
    expect(value(metrics, 'mcp_handshakes_total', { transport: 'http', outcome: 'failure' })).toBe(1);
  });

  it('counts HTTP-layer rejections by reason', () => {
    expect(value(metrics, 'mcp_rejected_requests_total', { reason: 'parse_error' })).toBe(1);
    expect(value(metrics, 'mcp_rejected_requests_total', { reason: 'unknown_session' })).toBe(1);
    expect(value(metrics, 'mcp_rejected_requests_total', { reason: 'bad_accept' })).toBe(1);
    expect(value(metrics, 'mcp_rejected_requests_total', { reason: 'missing_session' })).toBe(1);
    expect(value(metrics, 'mcp_jsonrpc_errors_total', { code: '-32700' })).toBe(1);
  });

  it('records tokens, cost and the agent task with its counted turns', () => {
    expect(value(metrics, 'mcp_tool_tokens_total', { tool: 'summarize', token_type: 'input' })).toBe(10);
    expect(value(metrics, 'mcp_tool_tokens_total', { tool: 'summarize', token_type: 'output' })).toBe(7);
    expect(value(metrics, 'mcp_tool_cost_usd_total', { tool: 'summarize' })).toBeCloseTo(0.002);
    expect(value(metrics, 'mcp_agent_tasks_total', { outcome: 'success' })).toBe(1);
    expect(value(metrics, 'mcp_agent_task_turns_sum', { outcome: 'success' })).toBe(2);
  });

  it('observes the session duration after the client closes it', () => {
    expect(value(metrics, 'mcp_session_duration_seconds_count', { transport: 'http' })).toBe(1);
    const observed = value(metrics, 'mcp_session_duration_seconds_sum', { transport: 'http' });
    expect(observed).toBeGreaterThan(0.05);
    expect(observed).toBeLessThanOrEqual(sessionSeconds);
    expect(value(metrics, 'mcp_active_connections', { transport: 'http' })).toBe(0);
  });

  it('serves /health and /ready', async () => {
    expect((await fetch(`${fx.base}/health`)).status).toBe(200);
    const ready = await fetch(`${fx.base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});
