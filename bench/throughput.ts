// Tool-call throughput and server CPU per call, every variant in one run, alternating rounds:
// HTTP (autocannon against a pre-initialised Streamable HTTP session) and stdio (pipelined driver).
// The driver's own CPU is reported next to the server's, to show the driver is not the bottleneck.
import autocannon, { type Options as AutocannonOptions } from 'autocannon';
import {
  alternate, benchmark, fmt, fmtSpread, pairedRatio, procCpuSeconds, progress, selfCpuSeconds, spread,
  type BenchOptions, type BenchResult, type Row,
} from './harness.js';
import { ServerProcess, type StdioDriver } from './server-process.js';
import { toolCall } from './workload.js';
import { COMPARED_VARIANTS, type TransportKind, type Variant } from './variants.js';

export interface ThroughputOptions extends BenchOptions {
  rounds?: number;
  seconds?: number;
  variants?: readonly Variant[];
  transports?: readonly TransportKind[];
  /** Profile every server process (V8 CPU profile per variant and transport, written at exit). */
  cpuProfDir?: string;
}

interface Round {
  callsPerSecond: number;
  serverCpuUsPerCall: number;
  /** CPU share of one core used by the server and by the driver during the round. */
  serverCores: number;
  driverCores: number;
  failed: number;
}

const HTTP_CONNECTIONS = 8;
const STDIO_WINDOW = 16;
/** Budget: throughput of the full instrumentation as a share of the uninstrumented baseline. */
const THROUGHPUT_BUDGET: Record<TransportKind, number> = { http: 0.97, stdio: 0.95 };

/** autocannon posting tools/call to a pre-initialised session over HTTP_CONNECTIONS connections. */
export function toolCallLoad(server: ServerProcess, headers: Record<string, string>): AutocannonOptions {
  let id = 1_000;
  return {
    url: server.url, connections: HTTP_CONNECTIONS, method: 'POST', headers,
    // Unique JSON-RPC ids: the transport maps responses to streams by request id.
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: toolCall(id++) }) }],
  };
}

async function measureHttp(server: ServerProcess, headers: Record<string, string>, seconds: number): Promise<Round> {
  const cpu0 = procCpuSeconds(server.pid);
  const self0 = selfCpuSeconds();
  const result = await autocannon({ ...toolCallLoad(server, headers), duration: seconds });
  const serverCpu = procCpuSeconds(server.pid) - cpu0;
  const driverCpu = selfCpuSeconds() - self0;
  const calls = result['2xx'];
  const elapsed = result.duration;
  return {
    callsPerSecond: calls / elapsed, serverCpuUsPerCall: (serverCpu / calls) * 1e6,
    serverCores: serverCpu / elapsed, driverCores: driverCpu / elapsed,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function measureStdio(server: ServerProcess, driver: StdioDriver, seconds: number): Promise<Round> {
  const cpu0 = procCpuSeconds(server.pid);
  const self0 = selfCpuSeconds();
  const r = await driver.run(seconds, STDIO_WINDOW);
  const serverCpu = procCpuSeconds(server.pid) - cpu0;
  const driverCpu = selfCpuSeconds() - self0;
  return {
    callsPerSecond: r.ok / r.seconds, serverCpuUsPerCall: (serverCpu / r.ok) * 1e6,
    serverCores: serverCpu / r.seconds, driverCores: driverCpu / r.seconds, failed: r.failed,
  };
}

async function runTransport(kind: TransportKind, variants: readonly Variant[], rounds: number, seconds: number, cpuProfDir?: string) {
  progress(`throughput/${kind}: starting ${variants.length} servers`);
  const servers = new Map<Variant, ServerProcess>();
  try {
    for (const v of variants) servers.set(v, await ServerProcess.start(v, kind, { cpuProfDir }));
    const measure = new Map<Variant, (s: number) => Promise<Round>>();
    for (const [v, server] of servers) {
      if (kind === 'http') {
        const headers = await server.httpSession();
        measure.set(v, (s) => measureHttp(server, headers, s));
      } else {
        const driver = await server.stdioDriver();
        measure.set(v, (s) => measureStdio(server, driver, s));
      }
    }
    // Warm-up round (JIT, lazy label children), not recorded.
    for (const v of variants) await measure.get(v)!(Math.max(1, Math.round(seconds / 2)));
    const results = await alternate(variants, rounds, async (v, round) => {
      const r = await measure.get(v)!(seconds);
      progress(`throughput/${kind} round ${round + 1}/${rounds} ${v}: ${fmt(r.callsPerSecond)} calls/s, ` +
        `server ${fmt(r.serverCpuUsPerCall)} µs/call (${fmt(r.serverCores, 2)} cores), driver ${fmt(r.driverCores, 2)} cores`);
      return r;
    });
    return results;
  } finally {
    for (const server of servers.values()) await server.stop();
  }
}

export function run(opts: ThroughputOptions): Promise<BenchResult> {
  const rounds = opts.rounds ?? (opts.quick ? 1 : 6);
  const seconds = opts.seconds ?? (opts.quick ? 1 : 5);
  const variants = opts.variants ?? COMPARED_VARIANTS;
  const transports = opts.transports ?? ['http', 'stdio'];
  const params = { rounds, secondsPerRound: seconds, variants, transports, httpConnections: HTTP_CONNECTIONS, stdioWindow: STDIO_WINDOW };
  return benchmark('throughput', params, async () => {
    const table: Row[] = [];
    const budgets: BenchResult['budgets'] = [];
    const raw: Record<string, unknown> = {};
    for (const kind of transports) {
      const results = await runTransport(kind, variants, rounds, seconds, opts.cpuProfDir);
      raw[kind] = results;
      const base = results.baseline.map((r) => r.callsPerSecond);
      const baseCpu = spread(results.baseline.map((r) => r.serverCpuUsPerCall)).median;
      for (const v of variants) {
        const rs = results[v];
        const cps = rs.map((r) => r.callsPerSecond);
        const cpu = spread(rs.map((r) => r.serverCpuUsPerCall));
        table.push({
          transport: kind, variant: v,
          'calls/s': fmtSpread(spread(cps)),
          'ratio vs baseline': fmtSpread(pairedRatio(cps, base), 3),
          'server µs/call': fmtSpread(cpu),
          'added µs/call': fmt(cpu.median - baseCpu),
          'server cores': fmt(spread(rs.map((r) => r.serverCores)).median, 2),
          'driver cores': fmt(spread(rs.map((r) => r.driverCores)).median, 2),
          failed: rs.reduce((a, r) => a + r.failed, 0),
        });
      }
      const byName = results as Partial<Record<string, Round[]>>;
      if (byName.full) {
        const full = byName.full.map((r) => r.callsPerSecond);
        const ratio = pairedRatio(full, base);
        budgets.push({ budget: `${kind} throughput full ≥ ${THROUGHPUT_BUDGET[kind]} × baseline`,
          figure: fmtSpread(ratio, 3), met: ratio.median >= THROUGHPUT_BUDGET[kind] });
        if (byName['otel-signals']) {
          const vsOtel = pairedRatio(full, byName['otel-signals'].map((r) => r.callsPerSecond));
          budgets.push({ budget: `${kind} throughput full > otel-signals`, figure: `full/otel ${fmtSpread(vsOtel, 3)}`, met: vsOtel.median > 1 });
        }
      }
    }
    return { table, budgets, raw };
  });
}
