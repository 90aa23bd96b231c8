// Smoke run of every benchmark at tiny sizes: each runs end to end against its real peers
// (server processes, autocannon, Prometheus, npm run build) and returns well-formed figures.
// Timing thresholds are not asserted here; that is what `npm run bench` and bench/RESULTS.md are for.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../src/catalog/index.js';
import { BENCHMARKS } from '../../bench/index.js';
import { writeResult, type BenchResult } from '../../bench/harness.js';

const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** "1,234.5 [1,000.0..2,000.0]": a median with its [min..max] spread. */
const SPREAD = /^-?[\d,]+(\.\d+)? \[-?[\d,]+(\.\d+)?\.\.-?[\d,]+(\.\d+)?\]$/;

function expectWellFormed(r: BenchResult, name: string, spreadColumns: string[]): void {
  expect(r.bench).toBe(name);
  expect(r.machine.nproc).toBeGreaterThan(0);
  expect(r.load.max).toBeGreaterThanOrEqual(r.load.min);
  expect(r.table.length).toBeGreaterThan(0);
  for (const row of r.table) {
    for (const col of spreadColumns) expect(String(row[col]), `${name} ${col} in ${JSON.stringify(row)}`).toMatch(SPREAD);
  }
  for (const b of r.budgets) {
    expect(b.budget).not.toBe('');
    expect(typeof b.met).toBe('boolean');
  }
  const text = writeResult(r, out);
  expect(text).toContain(`## ${name}`);
  const saved = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as BenchResult;
  expect(saved.table).toEqual(r.table);
}

describe('benchmarks run at smoke sizes', () => {
  it('throughput: baseline and full over HTTP and stdio, every round answered correctly', async () => {
    const r = await BENCHMARKS.throughput({ quick: true, variants: ['baseline', 'full'], seconds: 1 });
    expectWellFormed(r, 'throughput', ['calls/s', 'ratio vs baseline', 'server µs/call']);
    expect(r.table.map((row) => `${row.transport}/${row.variant}`)).toEqual(['http/baseline', 'http/full', 'stdio/baseline', 'stdio/full']);
    for (const row of r.table) expect(row.failed).toBe(0);
    expect(r.budgets.map((b) => b.budget)).toEqual([expect.stringContaining('http throughput'), expect.stringContaining('stdio throughput')]);
  }, 180_000);

  it('inprocess: CPU per call for every variant and the metric primitives', async () => {
    const r = await BENCHMARKS.inprocess({ quick: true });
    expectWellFormed(r, 'inprocess', ['µs per call']);
    expect(r.table.some((row) => row.measure === 'tools/call CPU, full')).toBe(true);
    expect(r.budgets.map((b) => b.budget)).toEqual([expect.stringContaining('added server CPU'), expect.stringContaining('full < otel-signals')]);
  }, 120_000);

  it('instructions: baseline and full counted under valgrind in process and over both transports, full doing more per call', async () => {
    const r = await BENCHMARKS.instructions({ quick: true, transports: ['http', 'stdio'] });
    expectWellFormed(r, 'instructions', []);
    expect(r.table.map((row) => `${row.where} ${row.variant}`)).toEqual(
      ['in process baseline', 'in process full', 'http baseline', 'http full', 'stdio baseline', 'stdio full']);
    const { perCall } = r.raw as { perCall: Record<string, Record<string, { steady: number; sha256: number }>> };
    for (const place of ['in process', 'http', 'stdio']) {
      const { baseline, full } = perCall[place]!;
      expect(baseline!.steady, place).toBeGreaterThan(10_000);
      // each full call hashes its audit line (~13 k instructions under valgrind); the baseline hashes nothing
      expect(full!.sha256, place).toBeGreaterThan(1_000);
      expect(baseline!.sha256, place).toBe(0);
    }
    // metrics, every info line and the audit line cost instructions the baseline does not spend
    // (over a transport, 200 against 600 calls still include warm-up that moves more than that)
    expect(perCall['in process']!.full!.steady - perCall['in process']!.baseline!.steady).toBeGreaterThan(5_000);
    // the servers were driven over their transports: an HTTP request costs more than a stdio line
    expect(perCall.http!.baseline!.steady).toBeGreaterThan(perCall.stdio!.baseline!.steady);
    expect(r.table.find((row) => row.where === 'http' && row.variant === 'full')!['throughput ratio implied']).toMatch(/^0\.\d{3}$/);
    // each server's clock-driven work was measured idle (shown apart); in process there is none to measure
    for (const row of r.table) expect(String(row['by the clock per s (apart)']), `${row.where} ${row.variant}`).toMatch(row.where === 'in process' ? /^$/ : /^-?[\d,]+$/);
    expect(r.budgets).toEqual([]);
  }, 900_000);

  it('render: /metrics text for every variant, with size', async () => {
    const r = await BENCHMARKS.render({ quick: true });
    expectWellFormed(r, 'render', ['render ms']);
    for (const row of r.table) expect(Number(row.series)).toBeGreaterThan(0);
  }, 60_000);

  it('build: npm run build in a fresh tree', async () => {
    const r = await BENCHMARKS.build({ quick: true });
    expectWellFormed(r, 'build', ['wall s']);
    expect(String(r.table[0]!.output)).toMatch(/^build: \d+ written/);
  }, 120_000);

  it('fleet: a two-server TSDB in Prometheus per profile, every panel and rule query answered', async () => {
    const r = await BENCHMARKS.fleet({ quick: true, profiles: PROFILE_NAMES });
    expectWellFormed(r, 'fleet', []);
    for (const row of r.table) expect(row.errors).toBe(0);
    expect(r.budgets).toHaveLength(PROFILE_NAMES.length);
    for (const profile of PROFILE_NAMES) {
      const panels = r.table.find((row) => row.kind === 'panel' && row.profile === profile);
      expect(Number(panels?.queries), profile).toBeGreaterThan(0);
      // the recording rules' series are materialised: every panel reading them answers
      const { timings } = (r.raw as Record<string, { timings: { kind: string; name: string; recorded: string[]; series: number; exemplarOnly?: boolean }[] }>)[`${profile}/2`]!;
      const reading = timings.filter((t) => t.kind === 'panel' && t.recorded.length > 0);
      expect(reading.length, profile).toBeGreaterThan(10);
      expect(reading.filter((t) => t.series === 0).map((t) => t.name), profile).toEqual([]);
      // the generator writes every label value a panel selects (unknown tools, unknown-request kinds, methods read
      // through the otel normalisation, alerts): none is timed on no data
      expect(timings.filter((t) => t.kind === 'panel' && t.series === 0 && !t.exemplarOnly).map((t) => t.name), profile).toEqual([]);
      expect(panels?.empty, profile).toBe(0);
    }
  }, 600_000);
});
