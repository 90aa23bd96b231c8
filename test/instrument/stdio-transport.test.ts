// A real SDK Client spawns the instrumented fixture over stdio (tsx) and reads its side-port /metrics.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scrape, value } from './scrape.js';

const fixture = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));

/** Resolves with the metrics URL the fixture announces on stderr; collects every stderr line. */
function watchStderr(stderr: Readable, lines: string[]): Promise<string> {
  return new Promise((resolve) => {
    createInterface({ input: stderr }).on('line', (line) => {
      lines.push(line);
      const m = /"fixture":"metrics","url":"([^"]+)"/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
}

describe.each(['prom-client', 'otel'] as const)('stdio transport, %s profile', (profile) => {
  const stderrLines: string[] = [];
  let client: Client;
  let metricsUrl: string;
  let metrics: string;

  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: process.execPath, args: ['--import', 'tsx', fixture], stderr: 'pipe',
      env: { ...process.env as Record<string, string>, PROFILE: profile },
    });
    const announced = watchStderr(transport.stderr as Readable, stderrLines);
    client = new Client({ name: 'stdio-test-client', version: '2.0.0' });
    await client.connect(transport);
    metricsUrl = await announced;
    await client.callTool({ name: 'add', arguments: { a: 1, b: 41 } });
    await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } });
    await client.callTool({ name: 'ghost', arguments: {} });
    await expect(client.request({ method: 'nope/x' } as never, z.any())).rejects.toBeInstanceOf(McpError);
    // A second initialize without params fails the handshake.
    await expect(client.request({ method: 'initialize', params: {} } as never, z.any())).rejects.toBeInstanceOf(McpError);
    metrics = await scrape(metricsUrl);
  }, 60_000);
  afterAll(async () => client.close());

  it('never writes anything but JSON log lines to stderr (stdout is the protocol)', () => {
    expect(stderrLines.length).toBeGreaterThan(0);
    for (const l of stderrLines) expect(() => JSON.parse(l), l).not.toThrow();
  });

  if (profile === 'prom-client') {
    it('counts calls, errors, codes, sizes and handshakes over stdio', () => {
      expect(value(metrics, 'mcp_tool_invocations_total', { tool: 'add', status: 'ok' })).toBe(1);
      expect(value(metrics, 'mcp_tool_errors_total', { tool: 'divide', error_type: 'tool_error' })).toBe(1);
      expect(value(metrics, 'mcp_tool_hallucinations_total', { tool: '_OTHER', kind: 'unknown_tool' })).toBe(1);
      expect(value(metrics, 'mcp_requests_total', { method: 'tools/call', transport: 'stdio' })).toBe(3);
      expect(value(metrics, 'mcp_jsonrpc_errors_total', { method: '_OTHER', code: '-32601' })).toBe(1);
      expect(value(metrics, 'mcp_message_size_bytes_sum', { direction: 'in', type: 'request' })).toBeGreaterThan(0);
      expect(value(metrics, 'mcp_message_size_bytes_sum', { direction: 'out', type: 'response' })).toBeGreaterThan(0);
      expect(value(metrics, 'mcp_handshakes_total', { transport: 'stdio', outcome: 'success', client_name: 'stdio-test-client',
        protocol_version: '2025-11-25' })).toBe(1);
      expect(value(metrics, 'mcp_handshakes_total', { transport: 'stdio', outcome: 'failure' })).toBe(1);
      expect(value(metrics, 'mcp_active_connections', { transport: 'stdio' })).toBe(1);
      expect(value(metrics, 'nodejs_heap_size_limit_bytes')).toBeGreaterThan(0);
    });
  } else {
    it('records semconv operations with pipe transport, error types and codes', () => {
      const op = 'mcp_server_operation_duration_seconds_count';
      expect(value(metrics, op, { mcp_method_name: 'tools/call', gen_ai_tool_name: 'add', error_type: '', network_transport: 'pipe',
        mcp_protocol_version: '2025-11-25' })).toBe(1);
      expect(value(metrics, op, { gen_ai_tool_name: 'divide', error_type: 'tool_error' })).toBe(1);
      expect(value(metrics, op, { gen_ai_tool_name: '_OTHER', error_type: '-32602', rpc_response_status_code: '' })).toBe(1);
      expect(value(metrics, op, { mcp_method_name: '_OTHER', error_type: '-32601', rpc_response_status_code: '-32601' })).toBe(1);
      expect(value(metrics, op, { mcp_method_name: 'initialize', error_type: '' })).toBe(1);
      expect(value(metrics, op, { mcp_method_name: 'initialize' })).toBe(2);
      expect(value(metrics, 'v8js_memory_heap_limit_bytes')).toBeGreaterThan(0);
      expect(value(metrics, 'process_cpu_time_seconds_total', { cpu_mode: 'user' })).toBeGreaterThan(0);
    });
  }
});
