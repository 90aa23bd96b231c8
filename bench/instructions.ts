// Instructions per tool call, counted by valgrind (cachegrind): figures that do not move with the
// host's speed, where on a shared 2-core VM the CPU-time rounds of `inprocess` spread ±20 µs around
// a 5 µs budget and the throughput ratios ±40 % around 3 and 5 % budgets.
// - In process: each variant's in-process worker. Over HTTP and stdio (`--transports`): each
//   variant's bench server, driven by autocannon (8 connections) or by a stdio driver with one call
//   in flight (with more, how many messages one pipe read carries depends on timing, which moved
//   the stdio count by ~6 k per call from run to run).
// - Each runs under valgrind twice, with few and with many calls; per call = (I(many) − I(few)) /
//   (many − few), which leaves out start-up.
// - They run as JavaScript compiled by tsc, as servers are deployed: under tsx two runs of one
//   build differed by 8 % (tsx does run-time work of its own), compiled by about 1 %
//   (full-metrics: 142.9 k, 143.2 k, 143.8 k instructions per call).
// - Node runs --single-threaded: V8 compiles and collects on the main thread at points set by
//   the calls, not by thread scheduling (with background threads, a run that exited with compiles
//   still queued read as negative compile work per call).
// - Optimising compiles and garbage collection (scavenges, mark-compact, write barriers) come in
//   lumps that fall in the window or not (one mark-compact moved a variant by 20 k per call), so
//   they are split off by function name and shown apart from the per-call figure.
// - In process, the µs column scales by the baseline's CPU per call measured outside valgrind in
//   the same run (least disturbed block); that CPU includes compiles and collections, so the
//   estimate errs high. Over a transport, where the server is the bottleneck, throughput goes as
//   1 / (work per call): baseline ÷ variant is the throughput ratio the instructions imply.
// - At valgrind's speed (~50× slower) the logger's 1,000 lines/s limit is never reached: every info
//   line is written, as at production call rates, where `inprocess` (~25,000 calls/s) drops most.
// - A server also works by the clock: the event-loop delay monitors (ours and prom-client's) tick
//   every 10 ms whether calls come or not. Under valgrind a call takes 3–8 ms of wall time, so that
//   work is counted per call ~50× more than at native rates, and more on a busy host. So a server
//   is also run with its few calls and then idle: the instructions it runs per second idle are
//   shown apart and taken out of the per-call figure for the wall time the many calls took longer
//   than the few (a difference of two processes: it reads to about ±150 k a second).
// It checks no budget: it judges one code path before and after a change and shows where a
// variant's cost lies; instructions are not CPU time (code differs in instructions per cycle, and
// SHA-256 runs without the CPU's SHA extensions under valgrind).
import autocannon from 'autocannon';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRepository } from './compiled.js';
import { benchmark, fmt, progress, type BenchOptions, type BenchResult, type Row } from './harness.js';
import { inParallel, retried } from './in-parallel.js';
import { startWorker } from './inprocess.js';
import { ServerProcess } from './server-process.js';
import { toolCallLoad } from './throughput.js';
import type { TransportKind, Variant } from './variants.js';

export interface InstructionsOptions extends BenchOptions {
  variants?: readonly Variant[];
  transports?: readonly TransportKind[];
}

/** Where the calls run: in process (no transport) or over a transport to the bench server. */
type Place = 'in process' | TransportKind;
/**
 * A server under valgrind starts in ~25 s on a quiet 2-core machine, and took over 300 s with the
 * machine shared (load average ~20); the bound only stops a hung start.
 */
const VALGRIND_READY_TIMEOUT_MS = 1_800_000;
/** Seconds autocannon waits for a response (its default, 10, is short for a server under valgrind on a busy host). */
const VALGRIND_RESPONSE_TIMEOUT_S = 600;

const DEFAULT_VARIANTS: readonly Variant[] = ['baseline', 'full-metrics', 'full-no-audit', 'full', 'otel-signals'];

interface Counts { total: number; compile: number; gc: number; sha256: number }
/**
 * Per call: `steady` is the code the calls run, `steadyWithBackground` less the clock-driven work
 * (at `backgroundPerSecond`) of the many calls' longer wall time.
 */
interface PerCall { steady: number; compile: number; gc: number; sha256: number; backgroundPerSecond: number; steadyWithBackground: number }
/** A valgrind run's counts and how long its process lived (wall seconds). */
interface Timed { counts: Counts; seconds: number }
/** Instructions that are neither compiles nor collection: the code the server runs. */
const steadyOf = (c: Counts) => c.total - c.compile - c.gc;

const COMPILE = /compiler::|maglev::/i;
/** OpenSSL's SHA-256 block function (the audit trail's hash), whichever CPU extensions it picked. */
const SHA256 = /^sha256_block_data_order/;
const GC = /Scaveng|MarkCompact|Marking|Sweep|Evacuat|LiveObjectRange|RecordMigrated|RememberedSet|Heap::|heap::base|IteratePointers|IterateMaybeWeak|SizeFromMap|SlotSet|MemoryChunk|WriteBarrier|RecordWrite/;

/** Instructions in a cachegrind output file: in all, in compiles and garbage collection, and in SHA-256 (by function name). */
export function parseCachegrind(text: string): Counts {
  const counts: Counts = { total: 0, compile: 0, gc: 0, sha256: 0 };
  let kind: 'compile' | 'gc' | 'sha256' | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const fn = line.slice(3);
      kind = COMPILE.test(fn) ? 'compile' : GC.test(fn) ? 'gc' : SHA256.test(fn) ? 'sha256' : undefined;
    } else if (/^\d/.test(line)) {
      const ir = Number(line.split(' ')[1]);
      counts.total += ir;
      if (kind) counts[kind] += ir;
    }
  }
  const summary = /^summary: (\d+)$/m.exec(text);
  if (!summary || Number(summary[1]) !== counts.total) throw new Error('cachegrind output: the cost lines do not add up to its summary');
  return counts;
}

/** `script` under valgrind, its counts written to `file` (valgrind's own messages, such as warnings about the host's caches, to a log). */
const underValgrind = (file: string, script: string) => ['valgrind', '--tool=cachegrind', '--cache-sim=no', `--log-file=${file}.log`,
  `--cachegrind-out-file=${file}`, 'node', '--single-threaded', script];

/**
 * Instructions of one run of `calls` tool calls under valgrind, in process or over a transport
 * (where the server then stays idle for `idleSeconds`), and the run's wall time.
 */
async function countInstructions(place: Place, variant: Variant, calls: number, idleSeconds: number, dir: string, benchJs: string): Promise<Timed> {
  const file = join(dir, `${place.replace(' ', '-')}.${variant}.${calls}.${idleSeconds}.cachegrind`);
  const started = performance.now();
  if (place === 'in process') {
    const running = await startWorker(variant, underValgrind(file, join(benchJs, 'inprocess-worker.js')));
    await running.run(calls);
    await running.stop();
  } else {
    await driveServer(place, variant, calls, idleSeconds, underValgrind(file, join(benchJs, 'server.js')));
  }
  return { counts: readCounts(file), seconds: (performance.now() - started) / 1000 };
}

/** Starts the bench server with `command`, makes exactly `calls` correct tool calls, leaves it idle for `idleSeconds` and stops it. */
async function driveServer(transport: TransportKind, variant: Variant, calls: number, idleSeconds: number, command: readonly string[]): Promise<void> {
  const server = await ServerProcess.start(variant, transport, { command, readyTimeoutMs: VALGRIND_READY_TIMEOUT_MS });
  try {
    let ok: number;
    let failures = '';
    if (transport === 'http') {
      const result = await autocannon({ ...toolCallLoad(server, await server.httpSession()), amount: calls, timeout: VALGRIND_RESPONSE_TIMEOUT_S });
      ok = result['2xx'];
      failures = ` (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`;
    } else {
      ok = (await (await server.stdioDriver()).calls(calls, 1)).ok;
    }
    // Over HTTP a 2xx is counted (the session's first call was checked whole); over stdio each answer is checked.
    if (ok !== calls) throw new Error(`instructions: ${variant} over ${transport}: ${ok} of ${calls} tool calls succeeded${failures}`);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  } finally {
    await server.stop();
  }
}

function readCounts(file: string): Counts {
  if (!existsSync(file)) {
    const log = existsSync(`${file}.log`) ? readFileSync(`${file}.log`, 'utf8').trim() : '(no log)';
    throw new Error(`valgrind wrote no counts to ${file}; its log:\n${log}`);
  }
  return parseCachegrind(readFileSync(file, 'utf8'));
}

/** CPU µs per call of the compiled baseline outside valgrind: the least disturbed of a few blocks. */
async function baselineMicroseconds(script: string, calls: number, rounds: number): Promise<number> {
  const worker = await startWorker('baseline', ['node', script]);
  try {
    await worker.run(Math.min(calls, 4_000)); // warm-up, as inprocess does
    let best = Infinity;
    for (let r = 0; r < rounds; r++) best = Math.min(best, await worker.run(calls));
    return best;
  } finally {
    await worker.stop();
  }
}

export async function run(opts: InstructionsOptions): Promise<BenchResult> {
  const variants = opts.variants ?? (opts.quick ? ['baseline', 'full'] : DEFAULT_VARIANTS);
  if (!variants.includes('baseline')) throw new Error('instructions: the variants must include baseline');
  const places: Place[] = ['in process', ...(opts.transports ?? (opts.quick ? [] : ['http', 'stdio'] as const))];
  // Quick (the smoke test) keeps server runs short: a server's start under valgrind alone takes ~25 s.
  const callsAt = (place: Place): [number, number] => (!opts.quick ? [3_000, 12_000] : place === 'in process' ? [1_000, 3_000] : [200, 600]);
  const valgrind = await execa('valgrind', ['--version'], { reject: false });
  if (valgrind.exitCode !== 0) throw new Error('instructions: valgrind is not installed (apt-get install valgrind)');
  const calls = Object.fromEntries(places.map((p) => [p, callsAt(p)]));
  // A server's third run: its few calls, then this long idle (an in-process worker does nothing between calls).
  const idleSeconds = opts.quick ? 10 : 60;
  return benchmark('instructions', { variants, calls, idleSeconds, valgrind: valgrind.stdout.trim() }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
    try {
      progress('instructions: compiling the repository with tsc');
      const benchJs = await compileRepository(dir);
      const runsOf = (place: Place): [calls: number, idle: number][] => {
        const [few, many] = calls[place]!;
        return place === 'in process' ? [[few, 0], [many, 0]] : [[few, 0], [many, 0], [few, idleSeconds]];
      };
      const jobs = places.flatMap((place) => variants.flatMap((v) => runsOf(place).map(([n, idle]) => async () => {
        const what = `${v} ${place}, ${n} calls${idle > 0 ? ` and ${idle} s idle` : ''}`;
        progress(`instructions: ${what} under valgrind`);
        const run = await retried(2, () => countInstructions(place, v, n, idle, dir, benchJs),
          (error) => progress(`instructions: ${what} failed (${error.message}); running it again`));
        return { place, v, calls: n, idle, ...run };
      })));
      const runs = await inParallel(jobs, 2);
      // Per call: the code the calls run (`steady`) less what the server ran by the clock meanwhile; the compiles, collection and clock work apart.
      const perCall = Object.fromEntries(places.map((place) => [place, Object.fromEntries(variants.map((v) => {
        const [few, many] = calls[place]!;
        const at = (n: number, idle = 0) => runs.find((r) => r.place === place && r.v === v && r.calls === n && r.idle === idle)!;
        const per = (k: keyof Counts) => (at(many).counts[k] - at(few).counts[k]) / (many - few);
        const idle = place === 'in process' ? undefined : at(few, idleSeconds);
        const backgroundPerSecond = idle ? (steadyOf(idle.counts) - steadyOf(at(few).counts)) / (idle.seconds - at(few).seconds) : 0;
        const steadyWithBackground = (steadyOf(at(many).counts) - steadyOf(at(few).counts)) / (many - few);
        const background = (backgroundPerSecond * (at(many).seconds - at(few).seconds)) / (many - few);
        return [v, { compile: per('compile'), gc: per('gc'), sha256: per('sha256'), steady: steadyWithBackground - background, backgroundPerSecond,
          steadyWithBackground }];
      }))])) as Record<Place, Record<Variant, PerCall>>;
      progress('instructions: baseline CPU per call in process, outside valgrind');
      const baselineUs = await baselineMicroseconds(join(benchJs, 'inprocess-worker.js'), opts.quick ? 400 : 8_000, opts.quick ? 1 : 5);
      const table: Row[] = places.flatMap((place) => variants.map((v) => {
        const { steady, compile, gc, sha256, backgroundPerSecond } = perCall[place][v];
        const baseline = perCall[place].baseline.steady;
        return {
          where: place,
          variant: v,
          'instructions per call': fmt(steady),
          'ratio vs baseline': fmt(steady / baseline, 3),
          'added instructions': fmt(steady - baseline),
          'added µs (scaled)': place === 'in process' ? fmt(((steady - baseline) * baselineUs) / baseline, 1) : '',
          'throughput ratio implied': place === 'in process' ? '' : fmt(baseline / steady, 3),
          // Within the per-call figure; valgrind hides the SHA extensions, so OpenSSL runs its AVX2 code: heavier than on the CPU.
          'of which SHA-256': fmt(sha256),
          'compiles per call (apart)': fmt(compile),
          'GC per call (apart)': fmt(gc),
          'by the clock per s (apart)': place === 'in process' ? '' : fmt(backgroundPerSecond),
        };
      }));
      return { table, budgets: [], raw: { runs, perCall, baselineUs } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
