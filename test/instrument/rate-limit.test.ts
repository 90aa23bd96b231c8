// The optional tools/call limiter: per-client and per-tool token buckets answer in band with
// JSON-RPC -32000 (the handler never runs), and the hook counts refusals made elsewhere.
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createInstrumentation } from '../../src/instrument/index.js';
import { value } from './scrape.js';

describe('rate limiting', () => {
  it('refuses calls past the per-tool and per-client buckets with -32000, counts them, and the hook counts external refusals', async () => {
    // Refill so slow that no token comes back during the test.
    const slow = 0.001;
    const instr = createInstrumentation({ log: { stream: new PassThrough() },
      rateLimit: { perClient: { ratePerSecond: slow, burst: 3 }, perTool: { ratePerSecond: slow, burst: 2 } } });
    const server = new McpServer({ name: 'limited', version: '1' });
    let handled = 0;
    for (const name of ['add', 'echo']) {
      server.registerTool(name, { description: name }, async () => {
        handled++;
        return { content: [{ type: 'text', text: 'ok' }] };
      });
    }
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio', server }));
    const client = new Client({ name: 'greedy', version: '1' });
    await client.connect(clientSide);

    await client.callTool({ name: 'add' });
    await client.callTool({ name: 'add' });
    const refused = await client.callTool({ name: 'add' }).catch((e: unknown) => e); // add's bucket is empty
    expect(refused).toBeInstanceOf(McpError);
    expect((refused as McpError).code).toBe(-32000);
    expect((refused as McpError).data).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    await client.callTool({ name: 'echo' }); // the client's third and last token
    await expect(client.callTool({ name: 'echo' })).rejects.toThrow(/Rate limit exceeded \(all tools\)/);
    expect(handled).toBe(3);

    instr.reportThrottle({ client: 'gateway-user', tool: 'not-registered' });
    const text = await instr.registry.metrics();
    expect(value(text, 'mcp_throttled_requests_total', { client_name: 'greedy', tool: 'add', limit: 'tool' })).toBe(1);
    expect(value(text, 'mcp_throttled_requests_total', { client_name: 'greedy', tool: 'echo', limit: 'client' })).toBe(1);
    expect(value(text, 'mcp_throttled_requests_total', { client_name: 'gateway-user', tool: '_OTHER', limit: 'external' })).toBe(1);
    expect(value(text, 'mcp_rate_limited_clients')).toBe(2);
    // Refused calls reached no handler: they are not tool invocations (nor tool errors), but rejections with their code.
    expect(value(text, 'mcp_tool_invocations_total', { tool: 'add' })).toBe(2);
    expect(value(text, 'mcp_rejected_requests_total', { reason: 'rate_limited' })).toBe(2);
    expect(value(text, 'mcp_jsonrpc_errors_total', { method: 'tools/call', code: '-32000' })).toBe(2);
    expect(value(text, 'mcp_requests_in_flight')).toBe(0);
    await instr.close();
  });
});
