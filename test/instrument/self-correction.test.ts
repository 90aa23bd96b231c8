// Self-correction: a failed call of a registered tool followed, within the window, by a successful
// call of the same tool in the same task (or session) — through a real SDK client and server.
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createInstrumentation, TASK_META_KEY } from '../../src/instrument/index.js';
import { value } from './scrape.js';

async function setup(windowSeconds: number) {
  const instr = createInstrumentation({ log: { stream: new PassThrough() }, selfCorrectionWindowSeconds: windowSeconds });
  const server = new McpServer({ name: 'corrections', version: '1' });
  // Fails unless `ok` is true: an agent "corrects" by sending ok: true.
  server.registerTool('flaky', { description: 'fails unless ok', inputSchema: { ok: z.boolean() } },
    async ({ ok }) => ({ content: [{ type: 'text', text: ok ? 'done' : 'try again' }], isError: !ok }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio', server }));
  const client = new Client({ name: 'agent', version: '1' });
  await client.connect(clientSide);
  const call = (ok: boolean, task?: string) =>
    client.callTool({ name: 'flaky', arguments: { ok }, ...(task ? { _meta: { [TASK_META_KEY]: { id: task } } } : {}) });
  return { instr, client, call };
}

describe('self-correction', () => {
  it('counts each failure a later success of the same tool in the same task corrects; other tasks and unknown tools do not', async () => {
    const { instr, client, call } = await setup(300);
    await call(false, 't1');
    await call(false, 't1');
    await call(false, 't2'); // never corrected in its own task
    await call(true, 't1'); // corrects t1's two failures
    await call(true, 't1'); // nothing left to correct
    await client.callTool({ name: 'flaky_v2', arguments: {} }); // unknown tool: no "same tool" can follow
    await call(true);
    const text = await instr.registry.metrics();
    expect(value(text, 'mcp_tool_self_corrections_total', { tool: 'flaky' })).toBe(2);
    expect(value(text, 'mcp_tool_self_corrections_total', { tool: '_OTHER' })).toBe(0);
    expect(value(text, 'mcp_tool_invocations_total', { tool: 'flaky', status: 'error' })).toBe(3);
    await instr.close();
  });

  it('counts a correction in the same session without a task, and none after the window', async () => {
    const { instr, call } = await setup(0.05);
    await call(false);
    await call(true); // at once: corrected
    await call(false);
    await new Promise((r) => setTimeout(r, 150));
    await call(true); // after the window: not a correction
    expect(value(await instr.registry.metrics(), 'mcp_tool_self_corrections_total', { tool: 'flaky' })).toBe(1);
    await instr.close();
  });
});
