// What each part of the instrumentation costs per tool call, without the SDK's noise:
//  - the transport wrapper driven directly (onmessage(request) then send(response) on a stub
//    transport), with logs and audit toggled, lines flushed every 100 calls as the 10 ms sink
//    window does under load;
//  - message sizing (the JSON.stringify of a request and a response);
//  - the AsyncLocalStorage tax: an SDK Client/McpServer pair in one process, blocks alternating
//    with an ALS entered per request and with it disabled (an enabled ALS runs a hook for every
//    promise the process creates, which the stub cannot show).
// Best of 20 blocks each (contention on a shared machine only adds CPU time).
//
//   npm run bench:instrument:components
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createInstrumentation, TASK_META_KEY, type InstrumentationOptions } from '../src/instrument/index.js';

const BLOCKS = 20;
const TOOLS = Array.from({ length: 50 }, (_, i) => `tool_${i}`);
const request = (id: number): JSONRPCMessage => ({
  jsonrpc: '2.0', id, method: 'tools/call',
  params: { name: TOOLS[id % TOOLS.length]!, arguments: { a: id, b: 2 },
    _meta: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', [TASK_META_KEY]: { id: `task-${id % 100}`, turn: 1 } } },
});
const response = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: String(id + 2) }] } });

/** µs of CPU per iteration: the best of BLOCKS blocks, after a warm-up. */
async function cpuPerCall(perBlock: number, run: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < perBlock; i++) await run(i);
  let best = Infinity;
  for (let b = 0; b < BLOCKS; b++) {
    const t = process.cpuUsage();
    for (let i = 0; i < perBlock; i++) await run(i);
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / perBlock);
  }
  return best;
}

/** The wrapper's cost per request/response pair with the given options (the stub does nothing else). */
async function wrapperCost(options: InstrumentationOptions): Promise<number> {
  const instr = createInstrumentation({ tools: TOOLS, maxLogLinesPerSecond: Number.MAX_SAFE_INTEGER, ...options });
  const stub: Transport = { start: async () => {}, send: async () => {}, close: async () => {} };
  stub.onmessage = () => {};
  instr.instrumentTransport(stub, { kind: 'stdio' });
  await stub.start();
  const cost = await cpuPerCall(2000, (i) => {
    stub.onmessage!(request(i));
    void stub.send(response(i));
    if (i % 100 === 99) {
      instr.logger.flush();
      instr.audit?.flush();
    }
  });
  await instr.close();
  return cost;
}

async function alsTax(): Promise<{ off: number; on: number }> {
  const server = new McpServer({ name: 'als', version: '1' });
  server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const als = new AsyncLocalStorage<number>();
  let entered = false;
  const inner = serverSide.onmessage!;
  serverSide.onmessage = (m, e) => (entered ? als.run(1, () => inner(m, e)) : inner(m, e));
  const client = new Client({ name: 'als', version: '1' });
  await client.connect(clientSide);
  const call = async (i: number) => {
    await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const best = { off: Infinity, on: Infinity };
  for (let round = 0; round < 10; round++) {
    for (const mode of ['off', 'on'] as const) {
      entered = mode === 'on';
      if (!entered) als.disable(); // the hook stays installed until every ALS is disabled
      best[mode] = Math.min(best[mode], await cpuPerCall(200, call));
    }
  }
  await client.close();
  return best;
}

const dir = mkdtempSync(join(tmpdir(), 'instr-components-'));
const log = { file: join(dir, 'log.jsonl') };
console.log(`node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; µs CPU per tool call, best of ${BLOCKS} blocks`);
const rows: [string, number][] = [];
// Building the two messages is the stub's own cost, taken off every wrapper row.
const messages = await cpuPerCall(2000, (i) => [request(i), response(i)]);
const wrapper = async (options: InstrumentationOptions) => (await wrapperCost(options)) - messages;
rows.push(['wrapper, metrics only (logs at warning, no audit)', await wrapper({ log, logLevel: 'warning' })]);
rows.push(['wrapper + info logs', await wrapper({ log, logLevel: 'info' })]);
rows.push(['wrapper + info logs + audit (full)', await wrapper({ log, logLevel: 'info', auditFile: join(dir, 'audit.jsonl') })]);
rows.push(['  of which message sizing (2 x JSON.stringify)',
  await cpuPerCall(2000, (i) => JSON.stringify(request(i)).length + JSON.stringify(response(i)).length) - messages]);
const tax = await alsTax();
rows.push(['AsyncLocalStorage entered per request (SDK pair, on - off)', tax.on - tax.off]);
rows.push(['  SDK pair per call without instrumentation (reference)', tax.off]);
for (const [name, us] of rows) console.log(`${us.toFixed(2).padStart(8)}  ${name}`);
rmSync(dir, { recursive: true, force: true });
