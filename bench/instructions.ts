// Instructions per tool call in process, counted by valgrind (cachegrind): a figure that does not
// move with the host's speed, where on a shared 2-core VM the CPU-time rounds of `inprocess`
// spread ±20 µs around a 5 µs budget.
// - Each variant's in-process worker runs under valgrind twice, with few and with many calls; per
//   call = (I(many) − I(few)) / (many − few), which leaves out start-up.
// - The worker runs as JavaScript compiled by tsc, as servers are deployed: under tsx two runs of
//   one build differed by 8 % (tsx does run-time work of its own), compiled by about 1 %
//   (full-metrics: 142.9 k, 143.2 k, 143.8 k instructions per call).
// - Node runs --single-threaded: V8 compiles and collects on the main thread at points set by
//   the calls, not by thread scheduling (with background threads, a run that exited with compiles
//   still queued read as negative compile work per call).
// - Optimising compiles and garbage collection (scavenges, mark-compact, write barriers) come in
//   lumps that fall in the window or not (one mark-compact moved a variant by 20 k per call), so
//   they are split off by function name and shown apart from the per-call figure.
// - The µs column scales by the baseline's CPU per call measured outside valgrind in the same run
//   (least disturbed block); that CPU includes compiles and collections, so the estimate errs high.
// - At valgrind's speed (~50× slower) the logger's 1,000 lines/s limit is never reached: every info
//   line is written, as at production call rates, where `inprocess` (~25,000 calls/s) drops most.
// It checks no budget: it judges one code path before and after a change and shows where a
// variant's cost lies; instructions are not CPU time (code differs in instructions per cycle, and
// SHA-256 runs without the CPU's SHA extensions under valgrind).
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmark, fmt, progress, REPO_DIR, type BenchOptions, type BenchResult, type Row } from './harness.js';
import { startWorker } from './inprocess.js';
import type { Variant } from './variants.js';

export interface InstructionsOptions extends BenchOptions {
  variants?: readonly Variant[];
}

const DEFAULT_VARIANTS: readonly Variant[] = ['baseline', 'full-metrics', 'full-no-audit', 'full', 'otel-signals'];

interface Counts { total: number; compile: number; gc: number }

const COMPILE = /compiler::|maglev::/i;
const GC = /Scaveng|MarkCompact|Marking|Sweep|Evacuat|LiveObjectRange|RecordMigrated|RememberedSet|Heap::|heap::base|IteratePointers|IterateMaybeWeak|SizeFromMap|SlotSet|MemoryChunk|WriteBarrier|RecordWrite/;

/** Instructions in a cachegrind output file: in all, and in compiles and garbage collection (by function name). */
export function parseCachegrind(text: string): Counts {
  const counts: Counts = { total: 0, compile: 0, gc: 0 };
  let kind: 'compile' | 'gc' | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const fn = line.slice(3);
      kind = COMPILE.test(fn) ? 'compile' : GC.test(fn) ? 'gc' : undefined;
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

/**
 * The repository compiled by tsc into `dir`/js, next to a link to its node_modules (so the
 * compiled files resolve their packages); returns the compiled worker script.
 */
async function compileWorker(dir: string): Promise<string> {
  const out = join(dir, 'js');
  await execa('npx', ['tsc', '-p', '.', '--noEmit', 'false', '--outDir', out], { cwd: REPO_DIR });
  symlinkSync(join(REPO_DIR, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(out, 'bench', 'inprocess-worker.js');
}

/** Instructions of one worker run of `calls` tool calls under valgrind. */
async function countInstructions(variant: Variant, calls: number, dir: string, worker: string): Promise<Counts> {
  const file = join(dir, `${variant}.${calls}.cachegrind`);
  // valgrind's own messages (warnings about the host's caches, which are not simulated) go to a log.
  const running = await startWorker(variant, ['valgrind', '--tool=cachegrind', '--cache-sim=no', `--log-file=${file}.log`,
    `--cachegrind-out-file=${file}`, 'node', '--single-threaded', worker]);
  await running.run(calls);
  await running.stop();
  if (!existsSync(file)) {
    const log = existsSync(`${file}.log`) ? readFileSync(`${file}.log`, 'utf8').trim() : '(no log)';
    throw new Error(`valgrind wrote no counts for ${variant} (${calls} calls); its log:\n${log}`);
  }
  return parseCachegrind(readFileSync(file, 'utf8'));
}

/** Runs `jobs` at most `width` at a time (valgrind is single-threaded; the counts do not depend on contention). */
async function inParallel<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
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
  const [few, many] = opts.quick ? [1_000, 3_000] : [3_000, 12_000];
  const valgrind = await execa('valgrind', ['--version'], { reject: false });
  if (valgrind.exitCode !== 0) throw new Error('instructions: valgrind is not installed (apt-get install valgrind)');
  return benchmark('instructions', { variants, fewCalls: few, manyCalls: many, valgrind: valgrind.stdout.trim() }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
    try {
      progress('instructions: compiling the repository with tsc');
      const worker = await compileWorker(dir);
      const jobs = variants.flatMap((v) => [few, many].map((calls) => async () => {
        progress(`instructions: ${v}, ${calls} calls under valgrind`);
        return { v, calls, total: await countInstructions(v, calls, dir, worker) };
      }));
      const counts = await inParallel(jobs, 2);
      // Per call: the code the calls run (`steady`), and the compiles and collection shown apart.
      const perCall = Object.fromEntries(variants.map((v) => {
        const at = (calls: number) => counts.find((c) => c.v === v && c.calls === calls)!.total;
        const per = (k: keyof Counts) => (at(many)[k] - at(few)[k]) / (many - few);
        return [v, { compile: per('compile'), gc: per('gc'), steady: per('total') - per('compile') - per('gc') }];
      })) as Record<Variant, { steady: number; compile: number; gc: number }>;
      const baseline = perCall.baseline.steady;
      progress('instructions: baseline CPU per call outside valgrind');
      const baselineUs = await baselineMicroseconds(worker, opts.quick ? 400 : 8_000, opts.quick ? 1 : 5);
      const table: Row[] = variants.map((v) => ({
        variant: v,
        'instructions per call': fmt(perCall[v].steady),
        'ratio vs baseline': fmt(perCall[v].steady / baseline, 3),
        'added instructions': fmt(perCall[v].steady - baseline),
        'added µs (scaled)': fmt(((perCall[v].steady - baseline) * baselineUs) / baseline, 1),
        'compiles per call (apart)': fmt(perCall[v].compile),
        'GC per call (apart)': fmt(perCall[v].gc),
      }));
      return { table, budgets: [], raw: { counts, perCall, baselineUs } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
