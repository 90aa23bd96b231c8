// Server CPU added per tool call by the full instrumentation (issue #7's library budget: ≤ 5 µs),
// measured in process: an SDK Client and McpServer over InMemoryTransport, process.cpuUsage()
// around blocks of sequential calls. Each variant runs in its own child process because
// AsyncLocalStorage and JIT state leak across variants inside one process (once an ALS is entered,
// every promise in the process pays for it, the baseline too). On a shared machine, contention
// only ever adds CPU time (cache and core sharing), so each child reports its least-disturbed
// block, and the variants of a round run at the same time so they see the same load.
// Variants: base (uninstrumented); full (every signal: info logs, audit; the handler passes its
// `extra` to reportTokens); full-als (full plus the opt-in AsyncLocalStorage call context,
// asyncContext: true), whose difference to full is the ALS tax; lean (metrics only: logs at
// warning, no audit). Also times the /metrics render at 50 tools (wall and CPU).
//
//   npm run bench:instrument -- [--rounds 6] [--calls 6000] [--warmup 2000] [--cpu-prof-dir DIR]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { createInstrumentation, TASK_META_KEY, type InstrumentationOptions } from '../src/instrument/index.js';

const TOOLS = 50;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const VARIANTS = ['base', 'full', 'full-als', 'lean'] as const;
type Variant = (typeof VARIANTS)[number];
interface Render { wallMs: number; cpuMs: number }
interface ChildResult {
  variant: Variant; cpuUsPerCall: number; cpuMedianUsPerCall: number; wallUsPerCall: number;
  render?: Render; renderOpenMetrics?: Render;
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    calls: { type: 'string', default: '6000' },
    warmup: { type: 'string', default: '2000' },
    'cpu-prof-dir': { type: 'string' },
    child: { type: 'string' },
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (xs: number[], digits = 1) =>
  `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}]`;

async function runChild(variant: Variant, calls: number, warmup: number): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'instr-bench-'));
  const log = { file: join(dir, 'log.jsonl') };
  const everySignal: InstrumentationOptions = {
    auditFile: join(dir, 'audit.jsonl'), log, logLevel: 'info',
    maxLogLinesPerSecond: Number.MAX_SAFE_INTEGER, // every line written: the worst case
  };
  const options: Record<Variant, InstrumentationOptions | undefined> = {
    base: undefined,
    full: everySignal,
    'full-als': { ...everySignal, asyncContext: true },
    lean: { log, logLevel: 'warning' },
  };
  const instr = options[variant] && createInstrumentation(options[variant]);
  const server = new McpServer({ name: 'bench', version: '1' });
  for (let i = 0; i < TOOLS; i++) {
    server.registerTool(`tool_${i}`, { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }, extra) => {
      instr?.reportTokens({ inputTokens: 12, outputTokens: 3, costUsd: 0.0001 }, extra);
      return { content: [{ type: 'text', text: String(a + b) }] };
    });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(instr ? instr.instrumentTransport(serverSide, { kind: 'stdio', server }) : serverSide);
  const client = new Client({ name: 'bench-client', version: '1' });
  await client.connect(clientSide);

  // One request per event-loop turn, as on a real transport: deferred log/audit work runs between calls.
  const call = async (i: number) => {
    await client.callTool({ name: `tool_${i % TOOLS}`, arguments: { a: i, b: 2 },
      _meta: { traceparent: TRACEPARENT, [TASK_META_KEY]: { id: `task-${i % 100}`, turn: 1 } } });
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (let i = 0; i < warmup; i++) await call(i);
  const blocks = 20;
  const perBlock = Math.ceil(calls / blocks);
  const cpuBlocks: number[] = [];
  const wallBlocks: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < perBlock; i++) await call(i);
    const cpu = process.cpuUsage(cpu0);
    cpuBlocks.push((cpu.user + cpu.system) / perBlock);
    wallBlocks.push(((performance.now() - t0) * 1000) / perBlock);
  }
  // The best block is the estimate; the median block keeps GC and contention in view.
  const result: ChildResult = { variant, cpuUsPerCall: Math.min(...cpuBlocks), cpuMedianUsPerCall: median(cpuBlocks),
    wallUsPerCall: Math.min(...wallBlocks) };

  if (instr) {
    const render = async (accept?: string): Promise<Render> => {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < 20; i++) {
        const c = process.cpuUsage();
        const t = performance.now();
        await instr.metricsHandler(
          { url: '/metrics', headers: accept ? { accept } : {} } as never,
          { writeHead: () => ({ end: () => {} }) } as never,
        );
        wall.push(performance.now() - t);
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
      }
      return { wallMs: median(wall), cpuMs: median(cpu) };
    };
    if (variant === 'full') {
      result.render = await render();
      result.renderOpenMetrics = await render('application/openmetrics-text; version=1.0.0');
    }
    await instr.close();
  }
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

async function spawnChild(variant: Variant, round: number): Promise<ChildResult> {
  const profDir = args['cpu-prof-dir'];
  const prof = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `${variant}-${round}.cpuprofile`] : [];
  const { stdout } = await promisify(execFile)(process.execPath,
    [...process.execArgv, ...prof, process.argv[1]!, '--child', variant, '--calls', args.calls, '--warmup', args.warmup]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

if (args.child) {
  const r = await runChild(args.child as Variant, Number(args.calls), Number(args.warmup));
  console.log(JSON.stringify(r));
} else {
  const rounds = Number(args.rounds);
  console.log(`node ${process.version}, ${args.calls} calls (+${args.warmup} warm-up) per variant per round, ` +
    `${rounds} rounds, best of 20 blocks per run, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const perCall = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const added = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const addedMedianBlock: number[] = [];
  const alsTax: number[] = [];
  const render: Render[] = [];
  const renderOm: Render[] = [];
  for (let r = 0; r < rounds; r++) {
    const results = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, await spawnChild(v, r + 1)] as const))) as
      Record<Variant, ChildResult>;
    for (const v of VARIANTS) {
      perCall[v].push(results[v].cpuUsPerCall);
      added[v].push(results[v].cpuUsPerCall - results.base.cpuUsPerCall);
    }
    addedMedianBlock.push(results.full.cpuMedianUsPerCall - results.base.cpuMedianUsPerCall);
    alsTax.push(results['full-als'].cpuUsPerCall - results.full.cpuUsPerCall);
    render.push(results.full.render!);
    renderOm.push(results.full.renderOpenMetrics!);
    console.log(`round ${r + 1}: ${VARIANTS.map((v) => `${v} ${results[v].cpuUsPerCall.toFixed(1)}`).join(', ')} µs CPU per call`);
  }
  console.log(`uninstrumented                   ${fmt(perCall.base)} µs CPU per call`);
  console.log(`added, full instrumentation      ${fmt(added.full)} µs CPU per call (budget 5)`);
  console.log(`  the same, median blocks        ${fmt(addedMedianBlock)} µs CPU per call`);
  console.log(`added, full with ALS context     ${fmt(added['full-als'])} µs CPU per call`);
  console.log(`  ALS tax (full-als - full)      ${fmt(alsTax)} µs CPU per call`);
  console.log(`added, lean (metrics only)       ${fmt(added.lean)} µs CPU per call`);
  const ms = (xs: Render[], k: keyof Render) => fmt(xs.map((x) => x[k]), 2);
  console.log(`/metrics render at ${TOOLS} tools (budget 5 ms): text ${ms(render, 'wallMs')} ms wall, ${ms(render, 'cpuMs')} ms CPU; ` +
    `OpenMetrics ${ms(renderOm, 'wallMs')} ms wall, ${ms(renderOm, 'cpuMs')} ms CPU`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
