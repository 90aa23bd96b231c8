// Why sessions end (client, reaper, transport error, shutdown), reconnections by client name, and
// requests in flight per method and tool — through real SDK clients and servers.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createInstrumentation, type Instrumentation } from '../../src/instrument/index.js';
import { value } from './scrape.js';

/** A server whose `wait` tool answers only when the test releases it. */
async function connect(instr: Instrumentation, name: string, gate?: Promise<void>) {
  const server = new McpServer({ name: 'ends', version: '1' });
  server.registerTool('wait', { description: 'answers when released' }, async () => {
    await gate;
    return { content: [{ type: 'text', text: 'done' }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr.instrumentTransport(serverSide, { kind: 'stdio', server }));
  const client = new Client({ name, version: '1' });
  await client.connect(clientSide);
  return { client, serverSide };
}

const metrics = (instr: Instrumentation) => instr.registry.metrics();
const quietLog = () => ({ log: { stream: new PassThrough() } });

describe('session ends and reconnections', () => {
  it('counts each end by reason and client, and a client back within a minute as a reconnection', async () => {
    const instr = createInstrumentation(quietLog());
    const first = await connect(instr, 'agent-a');
    await first.client.close();
    const again = await connect(instr, 'agent-a'); // back at once: a reconnection
    await connect(instr, 'agent-b'); // a first session: none
    // A transport error just before the close is the close's reason.
    again.serverSide.onerror?.(new Error('pipe broke'));
    await again.serverSide.close();
    let text = await metrics(instr);
    expect(value(text, 'mcp_sessions_closed_total', { reason: 'client_closed', client_name: 'agent-a' })).toBe(1);
    expect(value(text, 'mcp_sessions_closed_total', { reason: 'transport_error', client_name: 'agent-a' })).toBe(1);
    expect(value(text, 'mcp_reconnections_total', { client_name: 'agent-a' })).toBe(1);
    expect(value(text, 'mcp_reconnections_total', { client_name: 'agent-b' })).toBe(0);
    // Open sessions per client: agent-a's two are closed, agent-b's is open.
    expect(value(text, 'mcp_client_sessions', { client_name: 'agent-a' })).toBe(0);
    expect(value(text, 'mcp_client_sessions', { client_name: 'agent-b' })).toBe(1);
    // agent-b's series exists at 0 from its first session (increase() sees its first reconnection).
    expect(text).toContain('mcp_reconnections_total{transport="stdio",client_name="agent-b"} 0');

    const snapshot = text;
    await instr.close(); // agent-b's session is still open: the shutdown closes it
    text = await metrics(instr);
    expect(value(snapshot, 'mcp_sessions_closed_total', { reason: 'server_shutdown' })).toBe(0);
    expect(value(text, 'mcp_sessions_closed_total', { reason: 'server_shutdown', client_name: 'agent-b' })).toBe(1);
  });

  it('counts sessions the server closes after shuttingDown() as server_shutdown', async () => {
    const instr = createInstrumentation(quietLog());
    const { serverSide } = await connect(instr, 'agent-c');
    instr.shuttingDown();
    await serverSide.close();
    expect(value(await metrics(instr), 'mcp_sessions_closed_total', { reason: 'server_shutdown', client_name: 'agent-c' })).toBe(1);
    await instr.close();
  });
});

describe('requests in flight', () => {
  it('rises while a call runs, per method and tool, and falls when it is answered', async () => {
    const instr = createInstrumentation(quietLog());
    let release!: () => void;
    const { client } = await connect(instr, 'agent-d', new Promise<void>((r) => { release = r; }));
    const calls = [client.callTool({ name: 'wait' }), client.callTool({ name: 'wait' })];
    await new Promise((r) => setTimeout(r, 50));
    let text = await metrics(instr);
    expect(value(text, 'mcp_requests_in_flight', { method: 'tools/call', tool: 'wait' })).toBe(2);
    expect(value(text, 'mcp_requests_in_flight', { method: 'tools/list' })).toBe(0);
    release();
    await Promise.all(calls);
    text = await metrics(instr);
    expect(value(text, 'mcp_requests_in_flight', { method: 'tools/call', tool: 'wait' })).toBe(0);
    expect(value(text, 'mcp_requests_in_flight')).toBe(0);
    expect(value(text, 'mcp_client_tool_calls_total', { client_name: 'agent-d', status: 'ok' })).toBe(2);
    await instr.close();
  });
});
