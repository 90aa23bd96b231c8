// What each part of the instrumentation costs per tool call, without the SDK's noise:
//  - the transport wrapper driven directly (onmessage(request) then send(response) on a stub
//    transport), with logs and audit toggled, lines flushed every 100 calls as the 10 ms sink
//    window does under load;
//  - message sizing (the JSON.stringify of a request and a response).
// Not here: the opt-in AsyncLocalStorage tax, paid by every promise of the SDK's request handling
// and only visible across processes (`npm run bench -- inprocess` prints full-als next to full).
// Blocks of all rows alternate; each row keeps its best block (contention only adds CPU time).
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

/** A loop to measure: `run(i)` is one tool call (or one unit of work). */
interface Subject { name: string; run: (i: number) => unknown; close?: () => Promise<void> }

/** The wrapper driven by request/response pairs with the given options (the stub does nothing else). */
async function wrapper(name: string, options: InstrumentationOptions): Promise<Subject> {
  const instr = createInstrumentation({ tools: TOOLS, maxLogLinesPerSecond: Number.MAX_SAFE_INTEGER, ...options });
  const stub: Transport = { start: async () => {}, send: async () => {}, close: async () => {} };
  stub.onmessage = () => {};
  instr.instrumentTransport(stub, { kind: 'stdio' });
  await stub.start();
  return {
    name,
    run: (i) => {
      stub.onmessage!(request(i));
      void stub.send(response(i));
      if (i % 100 === 99) {
        instr.logger.flush();
        instr.audit?.flush();
      }
    },
    close: () => instr.close(),
  };
}

/**
 * µs of CPU per iteration of each subject: blocks of the subjects alternate (so drift and
 * neighbours on a shared machine hit all alike) and each keeps its least disturbed block
 * (contention only adds CPU time).
 */
function cpuPerCall(subjects: Subject[], perBlock: number): number[] {
  const best = subjects.map(() => Infinity);
  let i = 0;
  for (let b = -1; b < BLOCKS; b++) {
    subjects.forEach((s, k) => {
      const t = process.cpuUsage();
      for (let n = 0; n < perBlock; n++) s.run(i++);
      const d = process.cpuUsage(t);
      if (b >= 0) best[k] = Math.min(best[k]!, (d.user + d.system) / perBlock); // block -1 warms up
    });
  }
  return best;
}

const dir = mkdtempSync(join(tmpdir(), 'instr-components-'));
const log = { file: join(dir, 'log.jsonl') };
console.log(`node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; µs CPU per tool call, best of ${BLOCKS} alternating blocks`);
// Building the two messages is the stub's own cost, taken off every wrapper row.
const subjects: Subject[] = [
  { name: 'messages alone', run: (i) => [request(i), response(i)] },
  await wrapper('wrapper, metrics only (logs at warning, no audit)', { log, logLevel: 'warning' }),
  await wrapper('wrapper + info logs', { log, logLevel: 'info' }),
  await wrapper('wrapper + info logs + audit (full: the audit record is the call\'s one line)', { log, logLevel: 'info', auditFile: join(dir, 'audit.jsonl') }),
  await wrapper('wrapper + info logs + audit, logAuditedCalls: \'all\' (the request line too)', { log, logLevel: 'info',
    auditFile: join(dir, 'audit-all.jsonl'), logAuditedCalls: 'all' }),
  { name: '  of which message sizing (2 x JSON.stringify)', run: (i) => JSON.stringify(request(i)).length + JSON.stringify(response(i)).length },
];
const [messages, ...rest] = cpuPerCall(subjects, 5000);
rest.forEach((us, k) => console.log(`${(us - messages!).toFixed(2).padStart(8)}  ${subjects[k + 1]!.name}`));
for (const s of subjects) await s.close?.();
rmSync(dir, { recursive: true, force: true });
