// How a tool handler reaches its call. Default: by its `extra` (session and request id), no
// AsyncLocalStorage; without `extra` or `tool`, reportTokens() fails clearly instead of losing the
// tokens. asyncContext: true adds the ALS context, so handlers need not pass anything.
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInstrumentation, type CallContext, type CallRef } from '../../src/instrument/index.js';
import { value } from './scrape.js';

/** What the probe handler hands to currentCall() and reportTokens(). */
type Pass = 'extra' | 'tool' | 'nothing';

async function callProbe(asyncContext: boolean | undefined, pass: Pass) {
  let logText = '';
  const log = new PassThrough();
  log.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
  const instr = createInstrumentation({ log: { stream: log }, ...(asyncContext === undefined ? {} : { asyncContext }) });
  const server = new McpServer({ name: 'ctx', version: '1' });
  let seen: CallContext | undefined;
  server.registerTool('probe', { inputSchema: { n: z.number() } }, async ({ n }, extra) => {
    await new Promise((r) => setTimeout(r, 1)); // the call must still be found after an await
    const ref: CallRef | undefined = pass === 'extra' ? extra : undefined;
    seen = instr.currentCall(ref);
    instr.reportTokens({ inputTokens: n, outputTokens: 1, ...(pass === 'tool' ? { tool: 'probe' } : {}) }, ref);
    return { content: [{ type: 'text', text: 'ok' }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio', server }));
  const client = new Client({ name: 'ctx-client', version: '1' });
  await client.connect(clientSide);
  const result = await client.callTool({ name: 'probe', arguments: { n: 5 } });
  const metrics = await instr.registry.metrics();
  const afterAnswer = instr.currentCall({ requestId: 1 });
  await client.close();
  await instr.close();
  const callLine = logText.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.message === 'tools/call');
  return { result, seen, metrics, callLine, afterAnswer };
}

describe('reaching the call from a tool handler', () => {
  it('default: the handler passes its extra, sees its call, and its tokens reach the metrics and the call line', async () => {
    const { result, seen, metrics, callLine, afterAnswer } = await callProbe(undefined, 'extra');
    expect(result.isError).toBeFalsy();
    expect(seen).toMatchObject({ method: 'tools/call', tool: 'probe' });
    expect(seen?.trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(value(metrics, 'mcp_tool_tokens_total', { tool: 'probe', token_type: 'input' })).toBe(5);
    expect(callLine?.tokens).toEqual({ input: 5, output: 1, costUsd: 0 });
    expect(afterAnswer).toBeUndefined();
  });

  it('default: without extra there is no call context, reportTokens() fails clearly, and with tool it counts', async () => {
    const without = await callProbe(undefined, 'nothing');
    expect(without.seen).toBeUndefined();
    expect(without.result.isError).toBe(true);
    expect(JSON.stringify(without.result.content)).toContain("reportTokens: pass the tool handler's `extra` (its last argument) or `tool`");

    const withTool = await callProbe(undefined, 'tool');
    expect(withTool.result.isError).toBeFalsy();
    expect(value(withTool.metrics, 'mcp_tool_tokens_total', { tool: 'probe', token_type: 'input' })).toBe(5);
    expect(withTool.callLine).toMatchObject({ tool: 'probe', status: 'ok' });
    expect(withTool.callLine?.tokens).toBeUndefined();
  });

  it('asyncContext: true: the handler finds its call without passing anything', async () => {
    const { result, seen, metrics, callLine } = await callProbe(true, 'nothing');
    expect(result.isError).toBeFalsy();
    expect(seen).toMatchObject({ method: 'tools/call', tool: 'probe' });
    expect(value(metrics, 'mcp_tool_tokens_total', { tool: 'probe', token_type: 'input' })).toBe(5);
    expect(callLine?.tokens).toEqual({ input: 5, output: 1, costUsd: 0 });
  });
});
