// SDK 2.x's createMcpHandler builds a server per request, and instrumentServer runs on each one
// (issue 18). What that adds per tools/call, in process: a real 2.x client of either protocol era
// calls the handler's fetch directly (no sockets, so the handler and the instrumentation are all
// that is timed), against the same handler without instrumentation; rounds alternate so machine
// load hits every variant alike. CPU time per call from process.cpuUsage.
//   npm run bench:sdk2 [-- --quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { createInstrumentation, type Instrumentation } from '../src/instrument/index.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 8;
const CALLS = quick ? 100 : 1000;
const WARMUP = quick ? 50 : 500;
const ERAS = ['2025-11-25', '2026-07-28'] as const;
type Era = (typeof ERAS)[number];

function buildServer(): McpServer {
  const server = new McpServer({ name: 'bench-v2', version: '1.0.0' });
  server.registerTool('add', { inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  return server;
}

interface Setup { name: string; instrumentation?: Instrumentation; factory: () => McpServer }

function setups(dir: string): Setup[] {
  // The defaults a user gets (info request lines to a file, audit trail on), and metrics only.
  const full = createInstrumentation({ profile: 'prom-client', log: { file: join(dir, 'server.log') }, auditFile: join(dir, 'audit.jsonl') });
  const metrics = createInstrumentation({ profile: 'prom-client', logLevel: 'warning', log: { file: join(dir, 'metrics.log') } });
  return [
    { name: 'baseline', factory: buildServer },
    { name: 'metrics only', instrumentation: metrics, factory: () => metrics.instrumentServer(buildServer(), { kind: 'http' }) },
    { name: 'full', instrumentation: full, factory: () => full.instrumentServer(buildServer(), { kind: 'http' }) },
  ];
}

/** CPU µs per call of `calls` tools/call through one connected client. */
async function round(setup: Setup, era: Era, calls: number): Promise<number> {
  const handler = createMcpHandler(setup.factory);
  const client = new Client({ name: `bench-${era}`, version: '1.0.0' },
    { versionNegotiation: { mode: era === '2026-07-28' ? { pin: era } : 'legacy' } });
  await client.connect(new StreamableHTTPClientTransport(new URL('http://bench.invalid/mcp'),
    { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
  const used = process.cpuUsage(before);
  await client.close();
  await handler.close();
  return (used.user + used.system) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sdk2-'));
  const all = setups(dir);
  const perCall = new Map<string, number[]>();
  try {
    for (const setup of all) for (const era of ERAS) await round(setup, era, WARMUP);
    for (let r = 0; r < ROUNDS; r++) {
      for (const era of ERAS) for (const setup of all) {
        const key = `${setup.name}|${era}`;
        perCall.set(key, [...(perCall.get(key) ?? []), await round(setup, era, CALLS)]);
      }
      console.error(`[sdk2] round ${r + 1}/${ROUNDS}`);
    }
  } finally {
    for (const setup of all) await setup.instrumentation?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${ROUNDS} rounds × ${CALLS} tools/call per variant and era (after ${WARMUP} warm-up calls), in process, 1-min load ${loadavg()[0]!.toFixed(2)}, Node ${process.version}\n`);
  console.log('| protocol era | variant | CPU µs per call, median [min..max] | added µs per call | ratio vs baseline |');
  console.log('|---|---|---|---|---|');
  for (const era of ERAS) {
    const base = median(perCall.get(`baseline|${era}`)!);
    for (const setup of all) {
      const xs = perCall.get(`${setup.name}|${era}`)!;
      const m = median(xs);
      console.log(`| ${era} | ${setup.name} | ${m.toFixed(1)} [${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)}] | ${(m - base).toFixed(1)} | ${(m / base).toFixed(3)} |`);
    }
  }
}

await main();
