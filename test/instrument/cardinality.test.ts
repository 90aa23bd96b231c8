// A flood of client-chosen names (10,000 random tool names, random methods, many client names)
// must not grow the number of series: unregistered values collapse to _OTHER.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInstrumentation, type Instrumentation } from '../../src/instrument/index.js';
import { buildServer } from './fixtures/tools.js';
import { scrape, value } from './scrape.js';

async function connect(instr: Instrumentation, clientName: string): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = buildServer(instr);
  instr.instrumentTransport(serverSide, { kind: 'http', server });
  await server.connect(serverSide);
  const client = new Client({ name: clientName, version: '1' });
  await client.connect(clientSide);
  return client;
}

const mcpSeries = (text: string) => text.split('\n').filter((l) => l.startsWith('mcp_')).length;

describe('cardinality under a flood of client-chosen names', () => {
  let instr: Instrumentation;
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    instr = createInstrumentation({ log: { stream: new PassThrough() }, maxClientNames: 5 });
    const s = await instr.serveMetrics();
    url = s.url;
    close = s.close;
  });
  afterAll(async () => {
    await close();
    await instr.close();
  });

  it('keeps series bounded across 10,000 random tool names, random methods and 30 client names', async () => {
    const client = await connect(instr, 'flooder');
    const unknownCall = () => client.callTool({ name: `tool_${randomBytes(6).toString('hex')}`, arguments: {} });
    const randomMethod = () => client.request({ method: `x/${randomBytes(4).toString('hex')}` } as never, z.object({}))
      .catch(() => undefined);
    const newClient = async (i: number) => (await connect(instr, `client-${i}-${randomBytes(3).toString('hex')}`)).close();

    // A small taste of every kind of client-chosen value creates every series it ever will…
    for (let i = 0; i < 10; i++) await unknownCall();
    for (let i = 0; i < 10; i++) await randomMethod();
    for (let i = 0; i < 10; i++) await newClient(i);
    const before = await scrape(url);

    // …so the flood adds none.
    for (let batch = 0; batch < 100; batch++) await Promise.all(Array.from({ length: 100 }, unknownCall));
    for (let i = 0; i < 200; i++) await randomMethod();
    for (let i = 10; i < 40; i++) await newClient(i);
    const after = await scrape(url);

    expect(value(after, 'mcp_tool_hallucinations_total', { tool: '_OTHER', kind: 'unknown_tool' })).toBe(10_010);
    expect(value(after, 'mcp_tool_invocations_total', { tool: '_OTHER', status: 'error' })).toBe(10_010);
    expect(value(after, 'mcp_jsonrpc_errors_total', { method: '_OTHER', code: '-32601' })).toBe(210);
    expect(value(after, 'mcp_handshakes_total', { client_name: '_OTHER' })).toBe(41 - 5); // 41 sessions, 5 admitted names
    expect(after).not.toMatch(/tool_[0-9a-f]{12}/);
    expect(mcpSeries(after)).toBe(mcpSeries(before));
    await client.close();
  }, 120_000);
});
