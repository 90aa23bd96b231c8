// asyncContext (default on): tool handlers see their call without passing ids; off, they do not,
// and reportTokens() asks for `tool` instead of silently losing the tokens.
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInstrumentation, type CallContext } from '../../src/instrument/index.js';
import { value } from './scrape.js';

async function callProbe(asyncContext: boolean | undefined, passTool: boolean) {
  let logText = '';
  const log = new PassThrough();
  log.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
  const instr = createInstrumentation({ log: { stream: log }, ...(asyncContext === undefined ? {} : { asyncContext }) });
  const server = new McpServer({ name: 'ctx', version: '1' });
  let seen: CallContext | undefined;
  server.registerTool('probe', { inputSchema: { n: z.number() } }, async ({ n }) => {
    await new Promise((r) => setTimeout(r, 1)); // the context must survive an await
    seen = instr.currentCall();
    instr.reportTokens({ inputTokens: n, outputTokens: 1, ...(passTool ? { tool: 'probe' } : {}) });
    return { content: [{ type: 'text', text: 'ok' }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio', server }));
  const client = new Client({ name: 'ctx-client', version: '1' });
  await client.connect(clientSide);
  const result = await client.callTool({ name: 'probe', arguments: { n: 5 } });
  const metrics = await instr.registry.metrics();
  await client.close();
  await instr.close();
  const callLine = logText.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.message === 'tools/call');
  return { result, seen, metrics, callLine };
}

describe('asyncContext', () => {
  it('on by default: the handler sees its call and tokens reach the metrics and the call line', async () => {
    const { result, seen, metrics, callLine } = await callProbe(undefined, false);
    expect(result.isError).toBeFalsy();
    expect(seen).toMatchObject({ method: 'tools/call', tool: 'probe' });
    expect(value(metrics, 'mcp_tool_tokens_total', { tool: 'probe', token_type: 'input' })).toBe(5);
    expect(callLine?.tokens).toEqual({ input: 5, output: 1, costUsd: 0 });
  });

  it('off: no call context, reportTokens() without tool fails clearly, with tool it counts', async () => {
    const without = await callProbe(false, false);
    expect(without.seen).toBeUndefined();
    expect(without.result.isError).toBe(true);
    expect(JSON.stringify(without.result.content)).toContain('reportTokens: pass `tool` (asyncContext is off)');

    const withTool = await callProbe(false, true);
    expect(withTool.result.isError).toBeFalsy();
    expect(value(withTool.metrics, 'mcp_tool_tokens_total', { tool: 'probe', token_type: 'input' })).toBe(5);
    expect(withTool.callLine).toMatchObject({ tool: 'probe', status: 'ok' });
    expect(withTool.callLine?.tokens).toBeUndefined();
  });
});
