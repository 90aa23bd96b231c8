// The benchmarks `npm run bench` knows, by name.
import type { BenchResult } from './harness.js';
import { run as throughput, type ThroughputOptions } from './throughput.js';

export type RunOptions = ThroughputOptions;
export const BENCHMARKS = {
  throughput,
} satisfies Record<string, (opts: RunOptions) => Promise<BenchResult>>;
export type BenchmarkName = keyof typeof BENCHMARKS;

export function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}
