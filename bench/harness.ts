// Shared benchmark plumbing: spreads over alternating rounds, machine facts (the machine is
// shared, so every result carries its load average), per-process CPU from /proc, and writing
// results as JSON plus a readable table under bench/out/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = dirname(BENCH_DIR);
export const OUT_DIR = join(BENCH_DIR, 'out');

export interface BenchOptions {
  /** Tiny sizes for the smoke test: seconds, not minutes; figures are well-formed but meaningless. */
  quick: boolean;
}

/** Median with the spread over rounds: [min..max] and the inter-quartile range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread() of no values: a benchmark round produced nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]!,
    q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75), n: sorted.length,
  };
}

export function fmt(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "1,890 [1,700..2,010]" */
export function fmtSpread(s: Spread, digits = 0): string {
  return `${fmt(s.median, digits)} [${fmt(s.min, digits)}..${fmt(s.max, digits)}]`;
}

/**
 * Runs `measure` for every variant, alternating variants within each round (A B C, B C A, ...),
 * so contention from other users of the machine hits every variant alike.
 */
export async function alternate<V extends string, R>(
  variants: readonly V[],
  rounds: number,
  measure: (variant: V, round: number) => Promise<R>,
): Promise<Record<V, R[]>> {
  const results = Object.fromEntries(variants.map((v) => [v, [] as R[]])) as Record<V, R[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length]!;
      results[variant].push(await measure(variant, round));
    }
  }
  return results;
}

/** Per-round ratio variant/baseline (paired within a round), summarised. */
export function pairedRatio(values: readonly number[], baseline: readonly number[]): Spread {
  return spread(values.map((v, i) => v / baseline[i]!));
}

/** Per-round difference variant − baseline (paired within a round), summarised. */
export function pairedDelta(values: readonly number[], baseline: readonly number[]): Spread {
  return spread(values.map((v, i) => v - baseline[i]!));
}

/** User+system CPU seconds a process has used so far, from /proc/<pid>/stat (fields 14, 15 in clock ticks). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after the closing paren are space separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}
/** USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** CPU seconds of this (driver) process, user + system. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** Versions of the packages the figures depend on. */
  versions: Record<string, string>;
}

const VERSIONED_PACKAGES = ['@modelcontextprotocol/sdk', 'prom-client', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus',
  'autocannon', 'tsx', 'zod'];

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machine(): Machine {
  return {
    nproc: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform,
    versions: Object.fromEntries(VERSIONED_PACKAGES.map((p) => [p, packageVersion(p)])),
  };
}

/** Samples the 1-minute load average while a benchmark runs: the machine is shared with other engineers. */
export class LoadSampler {
  private readonly samples: number[] = [loadavg()[0]!];
  private readonly timer = setInterval(() => this.samples.push(loadavg()[0]!), 5000).unref();

  stop(): { start: number; end: number; min: number; max: number; mean: number } {
    clearInterval(this.timer);
    this.samples.push(loadavg()[0]!);
    const mean = this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
    return {
      start: this.samples[0]!, end: this.samples[this.samples.length - 1]!,
      min: Math.min(...this.samples), max: Math.max(...this.samples), mean: Math.round(mean * 100) / 100,
    };
  }
}

export type Row = Record<string, string | number>;

export interface BenchResult {
  bench: string;
  startedAt: string;
  seconds: number;
  machine: Machine;
  load: ReturnType<LoadSampler['stop']>;
  params: Record<string, unknown>;
  /** The readable table: one row per variant / size, figures pre-formatted with their spreads. */
  table: Row[];
  /** Budgets this benchmark checks: met or not, with the figure compared. */
  budgets: { budget: string; figure: string; met: boolean }[];
  /** Raw figures per round, for anyone who wants to recompute. */
  raw: Record<string, unknown>;
}

/** Wraps a benchmark body with timing, machine facts and load sampling. */
export async function benchmark(
  bench: string,
  params: Record<string, unknown>,
  body: () => Promise<Pick<BenchResult, 'table' | 'budgets' | 'raw'>>,
): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const sampler = new LoadSampler();
  let out: Pick<BenchResult, 'table' | 'budgets' | 'raw'>;
  try {
    out = await body();
  } catch (err) {
    sampler.stop();
    throw err;
  }
  const load = sampler.stop();
  return { bench, startedAt, seconds: Math.round((performance.now() - started) / 100) / 10, machine: machine(), load, params, ...out };
}

export function renderTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (r: Row, c: string) => String(r[c] ?? '');
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (cells: string[]) => `| ${cells.map((x, i) => x.padEnd(width[i]!)).join(' | ')} |`;
  return [line(cols), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((c) => cell(r, c))))].join('\n');
}

export function renderResult(r: BenchResult): string {
  const budgets = r.budgets.map((b) => `  ${b.met ? 'MET   ' : 'MISSED'} ${b.budget}: ${b.figure}`).join('\n');
  return [
    `## ${r.bench} (${r.startedAt}, ${r.seconds} s; ${r.machine.nproc} × ${r.machine.cpuModel}, Node ${r.machine.node}; ` +
      `load avg 1m ${r.load.min}..${r.load.max}, mean ${r.load.mean})`,
    renderTable(r.table),
    budgets ? `budgets:\n${budgets}` : '',
  ].filter(Boolean).join('\n');
}

/** Writes bench/out/<bench>.json and bench/out/<bench>.md; returns the table text. */
export function writeResult(r: BenchResult, outDir = OUT_DIR): string {
  mkdirSync(outDir, { recursive: true });
  const text = renderResult(r);
  writeFileSync(join(outDir, `${r.bench}.json`), JSON.stringify(r, null, 2) + '\n');
  writeFileSync(join(outDir, `${r.bench}.md`), text + '\n');
  return text;
}

/** A progress line on stderr, so long runs show they are alive without polluting the table. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
