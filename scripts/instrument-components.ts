// What each part of the instrumentation costs per tool call, without the SDK's noise:
//  - the transport wrapper driven directly (onmessage(request) then send(response) on a stub
//    transport), with logs and audit toggled, lines flushed every 100 calls as the 10 ms sink
//    window does under load;
//  - message sizing (the JSON.stringify of a request and a response).
// Not here: the opt-in AsyncLocalStorage tax, paid by every promise of the SDK's request handling
// and only visible across processes (`npm run bench -- inprocess` prints full-als next to full).
// Best of 20 blocks each (contention on a shared machine only adds CPU time).
//
//   npm run bench:instrument:components
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
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
for (const [name, us] of rows) console.log(`${us.toFixed(2).padStart(8)}  ${name}`);
rmSync(dir, { recursive: true, force: true });
