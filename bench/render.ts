// /metrics render time and size at 10, 50 and 500 tools: the naive histogram+counter per tool
// (prom-client and OTel SDK) against the full signal catalogue.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { getProfile, LATENCY_BUCKETS, type MetricFamily } from '../src/catalog/index.js';
import { alternate, benchmark, fmt, fmtSpread, progress, spread, type BenchOptions, type BenchResult, type Row } from './harness.js';
import { otelMeter } from './variants.js';

export interface RenderOptions extends BenchOptions {
  rounds?: number;
}

type Render = () => Promise<string>;
const RENDER_BUDGET_MS: Record<number, number> = { 50: 5, 500: 50 };

function toolNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `tool_${String(i).padStart(3, '0')}`);
}

function promNaive(tools: string[]): Render {
  const registry = new Registry();
  const h = new Histogram({ name: 'mcp_tool_duration_seconds', help: 'h', labelNames: ['tool'], buckets: [...LATENCY_BUCKETS], registers: [registry] });
  const c = new Counter({ name: 'mcp_tool_invocations_total', help: 'c', labelNames: ['tool', 'status'], registers: [registry] });
  for (const tool of tools) {
    h.observe({ tool }, 0.004);
    c.inc({ tool, status: 'ok' });
    c.inc({ tool, status: 'error' });
  }
  return () => registry.metrics();
}

function otelNaive(tools: string[]): Render {
  const otel = otelMeter();
  const h = otel.meter.createHistogram('mcp.tool.duration', { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
  const c = otel.meter.createCounter('mcp.tool.invocations');
  for (const tool of tools) {
    h.record(0.004, { tool });
    c.add(1, { tool, status: 'ok' });
    c.add(1, { tool, status: 'error' });
  }
  return otel.render;
}

/**
 * Label values a busy server shows per label of the catalogue: every tool, both statuses, a
 * caller and a server error type per tool, the usual methods, both directions and message types.
 */
const LABEL_VALUES: Record<string, readonly string[]> = {
  status: ['ok', 'error'], outcome: ['ok', 'error'], error_type: ['invalid_params', 'tool_error'],
  method: ['initialize', 'ping', 'tools/list', 'tools/call', 'prompts/get', 'resources/read'],
  transport: ['http'], direction: ['in', 'out'], type: ['request', 'response', 'notification', 'error'],
  code: ['-32601', '-32602', '-32603'], client_name: ['claude-code', 'cursor'], protocol_version: ['2025-11-25'],
  token_type: ['input', 'output'], kind: ['unknown_tool', 'invalid_arguments'], reason: ['missing', 'bad_host', 'rate_limited'],
  detector: ['email', 'api_key'],
};

function combinations(labels: readonly string[], tools: readonly string[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const label of labels) {
    const values = label === 'tool' ? tools : LABEL_VALUES[label];
    if (!values) throw new Error(`render bench has no sample values for catalogue label ${label}; add it to LABEL_VALUES`);
    out = out.flatMap((combo) => values.map((v) => ({ ...combo, [label]: v })));
  }
  return out;
}

/** Every prom-client-profile family, registered straight from the catalogue and populated. */
function catalogue(tools: string[]): Render {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const defaults = new Set(registry.getMetricsAsArray().map((m) => m.name));
  for (const f of getProfile('prom-client').families as MetricFamily[]) {
    if (defaults.has(f.name)) continue;
    const common = { name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] };
    const series = combinations(f.labelNames, tools);
    if (f.type === 'histogram') {
      const h = new Histogram({ ...common, buckets: [...(f.buckets ?? LATENCY_BUCKETS)] });
      for (const labels of series) h.observe(labels, f.buckets?.[2] ?? 0.004);
    } else if (f.type === 'counter') {
      const c = new Counter(common);
      for (const labels of series) c.inc(labels);
    } else {
      const g = new Gauge(common);
      for (const labels of series) g.set(labels, 1);
    }
  }
  return () => registry.metrics();
}

const BUILDERS = { 'prom-naive': promNaive, 'otel-naive': otelNaive, catalogue } as const;
type RenderVariant = keyof typeof BUILDERS;

export function run(opts: RenderOptions): Promise<BenchResult> {
  const sizes = opts.quick ? [3] : [10, 50, 500];
  const rounds = opts.rounds ?? (opts.quick ? 2 : 15);
  const variants = Object.keys(BUILDERS) as RenderVariant[];
  return benchmark('render', { toolCounts: sizes, rounds, variants }, async () => {
    const table: Row[] = [];
    const budgets: BenchResult['budgets'] = [];
    const raw: Record<string, unknown> = {};
    for (const n of sizes) {
      const tools = toolNames(n);
      const renders = new Map(variants.map((v) => [v, BUILDERS[v](tools)]));
      const bytes = new Map<RenderVariant, { bytes: number; lines: number }>();
      for (const [v, render] of renders) {
        const text = await render(); // warm-up, and the size of what a scrape transfers
        bytes.set(v, { bytes: Buffer.byteLength(text), lines: text.split('\n').filter((l) => l && !l.startsWith('#')).length });
      }
      const ms = await alternate(variants, rounds, async (v) => {
        const t0 = performance.now();
        await renders.get(v)!();
        return performance.now() - t0;
      });
      progress(`render ${n} tools: ${variants.map((v) => `${v} ${fmt(spread(ms[v]).median, 2)} ms`).join(', ')}`);
      raw[`${n}`] = { ms, size: Object.fromEntries(bytes) };
      for (const v of variants) {
        const s = spread(ms[v]);
        table.push({ tools: n, variant: v, 'render ms': fmtSpread(s, 2), series: bytes.get(v)!.lines,
          'size KiB': fmt(bytes.get(v)!.bytes / 1024, 1) });
      }
      const budget = RENDER_BUDGET_MS[n];
      const full = ms['catalogue'];
      if (budget !== undefined) {
        const s = spread(full);
        budgets.push({ budget: `/metrics render with the full catalogue at ${n} tools ≤ ${budget} ms`,
          figure: `${fmtSpread(s, 2)} ms, ${fmt(bytes.get('catalogue')!.bytes / 1024)} KiB`, met: s.median <= budget });
      }
    }
    return { table, budgets, raw };
  });
}
