// Server CPU per tool call in process (SDK InMemoryTransport, no sockets): the instrumentation's
// own cost with nothing to hide it. Each variant runs in a process of its own
// (bench/inprocess-worker.ts), rounds alternate between them. Plus the per-operation cost of the
// metric primitives the variants are built from.
import { createInterface } from 'node:readline';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { execa } from 'execa';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS } from '../src/catalog/index.js';
import {
  alternate, BENCH_DIR, benchmark, fmt, fmtSpread, pairedDelta, progress, REPO_DIR, selfCpuSeconds, spread,
  type BenchOptions, type BenchResult, type Row,
} from './harness.js';
import { FLUSH_DELAY_MS } from '../src/instrument/line-sink.js';
import { createVariant, otelMeter, VARIANTS, type Instrumentation, type Variant } from './variants.js';
import { referenceServer, TOOL_ARGUMENTS, TOOL_NAME } from './workload.js';

export interface InProcessOptions extends BenchOptions {
  rounds?: number;
}

const WINDOW = 16;
const ADDED_CPU_BUDGET_US = 5;

/** One server per variant, driven through a raw in-memory client transport. */
export class InProcessServer {
  private nextId = 1;
  private waiters = new Map<number, (m: JSONRPCMessage) => void>();

  private constructor(readonly instr: Instrumentation, private readonly client: InMemoryTransport) {
    client.onmessage = (m) => {
      if ('id' in m && typeof m.id === 'number') {
        const waiter = this.waiters.get(m.id);
        this.waiters.delete(m.id);
        waiter?.(m);
      }
    };
  }

  static async start(variant: Variant): Promise<InProcessServer> {
    const instr = await createVariant(variant);
    const [client, server] = InMemoryTransport.createLinkedPair();
    instr.wrap(server, 'stdio');
    await referenceServer(instr.toolContext).connect(server);
    await client.start();
    const s = new InProcessServer(instr, client);
    const init = await s.request({ method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'mcp-bench', version: '1.0.0' } } });
    if (!('result' in init)) throw new Error(`in-process initialize failed for ${variant}`);
    await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return s;
  }

  request(body: { method: string; params?: Record<string, unknown> }): Promise<JSONRPCMessage> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiters.set(id, resolve);
      void this.client.send({ jsonrpc: '2.0', id, ...body });
    });
  }

  /**
   * `calls` tools/call with WINDOW in flight; returns CPU µs per call (this process: driver + server).
   * The in-memory transport answers in microtasks: without a turn of the event loop per call, no
   * timer would fire inside the run, and the log and audit lines (written by a 10 ms timer) would
   * be formatted, hashed and written after the CPU was read. Each call therefore arrives as its own
   * event-loop turn, as on a real transport, and the run waits for the last batch of lines.
   */
  async run(calls: number): Promise<number> {
    let sent = 0;
    let wrong = 0;
    const cpu0 = selfCpuSeconds();
    const lane = async () => {
      while (sent < calls) {
        sent++;
        await new Promise<void>((resolve) => setImmediate(resolve));
        const r = await this.request({ method: 'tools/call', params: { name: TOOL_NAME, arguments: TOOL_ARGUMENTS } });
        if (!('result' in r) || (r.result as { isError?: boolean }).isError === true) wrong++;
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, lane));
    await new Promise((resolve) => setTimeout(resolve, 2 * FLUSH_DELAY_MS));
    const us = ((selfCpuSeconds() - cpu0) / calls) * 1e6;
    if (wrong > 0) throw new Error(`${wrong} of ${calls} in-process tool calls returned a wrong answer`);
    return us;
  }
}

/** Nanoseconds per call of `op`, over `n` iterations. */
function nsPerOp(n: number, op: (i: number) => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) op(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

const TOOLS = ['add', 'search_docs', 'fetch_page', 'summarise'];

/** The primitives: prom-client observe / inc with labels, OTel record + add with attributes. */
function primitives(n: number) {
  const registry = new Registry();
  const hist = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['tool'], buckets: [...LATENCY_BUCKETS], registers: [registry] });
  const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['tool', 'status'], registers: [registry] });
  const otel = otelMeter();
  const oh = otel.meter.createHistogram('h', { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
  const oc = otel.meter.createCounter('c');
  return {
    'prom-client Histogram.observe (1 label)': nsPerOp(n, (i) => hist.observe({ tool: TOOLS[i & 3]! }, 0.003)),
    'prom-client Counter.inc (2 labels)': nsPerOp(n, (i) => counter.inc({ tool: TOOLS[i & 3]!, status: 'ok' })),
    'OTel Histogram.record + Counter.add': nsPerOp(n, (i) => {
      oh.record(0.003, { tool: TOOLS[i & 3]! });
      oc.add(1, { tool: TOOLS[i & 3]!, status: 'ok' });
    }),
  };
}

/**
 * A worker process holding one variant's server; `run(calls)` answers its CPU µs per call.
 * `command` starts the worker script (the instructions benchmark runs it compiled, under valgrind).
 */
export async function startWorker(variant: Variant, command: readonly string[] = ['node', '--import', 'tsx', `${BENCH_DIR}/inprocess-worker.ts`]) {
  const [file, ...args] = [...command, variant];
  const child = execa(file!, args,
    { cwd: REPO_DIR, stdin: 'pipe', stdout: 'pipe', stderr: 'inherit', buffer: false, reject: false });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error(`in-process worker ${variant} exited (${(await child).exitCode})`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  await next(); // {"ready": variant}
  return {
    async run(calls: number): Promise<number> {
      child.stdin.write(`${calls}\n`);
      return (await next()).us as number;
    },
    async stop() {
      child.stdin.end();
      await child;
    },
  };
}

/** CPU µs per call of every variant, each in its own worker process, rounds alternating between them. */
async function measureInWorkers(variants: readonly Variant[], rounds: number, calls: number): Promise<Record<Variant, number[]>> {
  progress(`inprocess: starting ${variants.length} worker processes`);
  const workers = new Map<Variant, Awaited<ReturnType<typeof startWorker>>>();
  try {
    for (const v of variants) workers.set(v, await startWorker(v));
    for (const w of workers.values()) await w.run(Math.min(calls, 4_000)); // warm-up
    return await alternate(variants, rounds, async (v, round) => {
      const us = await workers.get(v)!.run(calls);
      progress(`inprocess round ${round + 1}/${rounds} ${v}: ${fmt(us, 1)} µs/call`);
      return us;
    });
  } finally {
    for (const w of workers.values()) await w.stop();
  }
}

export function run(opts: InProcessOptions): Promise<BenchResult> {
  const rounds = opts.rounds ?? (opts.quick ? 1 : 20);
  const calls = opts.quick ? 400 : 8_000;
  const primitiveOps = opts.quick ? 10_000 : 500_000;
  const variants = VARIANTS;
  return benchmark('inprocess', { rounds, callsPerRound: calls, window: WINDOW, variants, primitiveOps }, async () => {
    const cpu = await measureInWorkers(variants, rounds, calls);
    const table: Row[] = variants.map((v) => ({
      measure: `tools/call CPU, ${v}`, 'µs per call': fmtSpread(spread(cpu[v]), 1),
      'added µs vs baseline': fmtSpread(pairedDelta(cpu[v], cpu.baseline), 1),
    }));
    const primRounds = await alternate(['primitives'], Math.min(rounds, 5), async () => primitives(primitiveOps));
    const prim = primRounds.primitives;
    for (const name of Object.keys(prim[0]!) as (keyof (typeof prim)[0])[]) {
      table.push({ measure: name, 'µs per call': fmtSpread(spread(prim.map((p) => p[name] / 1000)), 2), 'added µs vs baseline': '' });
    }
    const budgets: BenchResult['budgets'] = [];
    const byName = cpu as Partial<Record<string, number[]>>;
    if (byName.full) {
      const added = pairedDelta(byName.full, cpu.baseline);
      budgets.push({ budget: `added server CPU per tool call (in process) ≤ ${ADDED_CPU_BUDGET_US} µs`,
        figure: `${fmtSpread(added, 1)} µs`, met: added.median <= ADDED_CPU_BUDGET_US });
      if (byName['otel-signals']) {
        const vsOtel = pairedDelta(byName.full, byName['otel-signals']);
        budgets.push({ budget: 'in process full < otel-signals (CPU per call)', figure: `full − otel ${fmtSpread(vsOtel, 1)} µs`,
          met: vsOtel.median < 0 });
      }
    }
    return { table, budgets, raw: { cpuUsPerCall: cpu, primitivesNs: prim } };
  });
}
