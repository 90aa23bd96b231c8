// The benchmarks `npm run bench` knows, by name.
import type { BenchResult } from './harness.js';
import { run as build, type BuildOptions } from './build.js';
import { run as fleet, type FleetOptions } from './fleet.js';
import { run as inprocess, type InProcessOptions } from './inprocess.js';
import { run as instructions, type InstructionsOptions } from './instructions.js';
import { run as render, type RenderOptions } from './render.js';
import { run as throughput, type ThroughputOptions } from './throughput.js';

export type RunOptions = ThroughputOptions & InProcessOptions & InstructionsOptions & RenderOptions & BuildOptions & FleetOptions;
export const BENCHMARKS = {
  throughput,
  inprocess,
  instructions,
  render,
  build,
  fleet,
} satisfies Record<string, (opts: RunOptions) => Promise<BenchResult>>;
export type BenchmarkName = keyof typeof BENCHMARKS;

export function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}
