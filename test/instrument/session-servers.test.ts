// HTTP servers build one McpServer per session. A closed session's server must stop counting as
// a source of registered tool names (else every session ever opened is kept in memory, and its
// tools stay "registered" after they are gone).
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { createInstrumentation, type Instrumentation } from '../../src/instrument/index.js';
import { value } from './scrape.js';

async function session(instr: Instrumentation, tools: string[]): Promise<Client> {
  const server = new McpServer({ name: 'per-session', version: '1' });
  for (const name of tools) server.registerTool(name, {}, async () => ({ content: [{ type: 'text', text: name }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr.instrumentTransport(serverSide, { kind: 'http', server }));
  const client = new Client({ name: 'c', version: '1' });
  await client.connect(clientSide);
  return client;
}

describe('per-session servers', () => {
  it('are forgotten when their session closes', async () => {
    const instr = createInstrumentation({ log: { stream: new PassThrough() } });
    try {
      const first = await session(instr, ['retired_tool']);
      await first.callTool({ name: 'retired_tool', arguments: {} });
      await first.close();

      const second = await session(instr, ['current_tool']);
      const result = await second.callTool({ name: 'retired_tool', arguments: {} });
      expect(result.isError).toBe(true);
      const metrics = await instr.registry.metrics();
      // The unknown call is labelled as overflow, not with the closed session's tool name.
      expect(value(metrics, 'mcp_tool_invocations_total', { tool: 'retired_tool', status: 'ok' })).toBe(1);
      expect(value(metrics, 'mcp_tool_invocations_total', { tool: 'retired_tool', status: 'error' })).toBe(0);
      expect(value(metrics, 'mcp_tool_hallucinations_total', { tool: '_OTHER', kind: 'unknown_tool' })).toBe(1);
      await second.close();
    } finally {
      await instr.close();
    }
  });
});
