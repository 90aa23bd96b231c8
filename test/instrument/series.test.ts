// CounterSeries/HistogramSeries, and the series they bind once (BoundCounter/BoundHistogram), write
// into prom-client's own series entries; the exposition must be exactly what prom-client's public
// inc()/observe() produce, in both formats, across reset().
import { Counter, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterSeries, HistogramSeries, type BoundCounter, type BoundHistogram } from '../../src/instrument/series.js';

type Writes = {
  inc(labels: Record<string, string>, value?: number): void;
  observe(labels: Record<string, string>, value: number, exemplar?: Record<string, string>): void;
};

/** The child bound for `labels` the first time they are written, the same one after. */
function boundOnce<C>(children: Map<string, C>, labels: Record<string, string>, bind: () => C): C {
  const key = JSON.stringify(Object.entries(labels).sort());
  let child = children.get(key);
  if (child === undefined) children.set(key, (child = bind()));
  return child;
}

function registryWith(kind: 'public' | 'series' | 'bound') {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['tool', 'status'], registers: [registry] });
  const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['tool'], buckets: [0.1, 1, 5],
    enableExemplars: true, registers: [registry] });
  const counterSeries = new CounterSeries(counter);
  const histogramSeries = new HistogramSeries(histogram);
  const counters = new Map<string, BoundCounter>();
  const histograms = new Map<string, BoundHistogram>();
  const writes: Writes = kind === 'public'
    ? {
      inc: (labels, value) => counter.inc(labels, value),
      observe: (labels, value, exemplar) => histogram.observe({ labels, value, exemplarLabels: exemplar }),
    }
    : kind === 'series'
      ? {
        inc: (labels, value) => counterSeries.inc(labels, value),
        observe: (labels, value, exemplar) => histogramSeries.observe(labels, value, exemplar),
      }
      : {
        inc: (labels, value) => boundOnce(counters, labels, () => counterSeries.bind(labels)).inc(value),
        observe: (labels, value, exemplar) => boundOnce(histograms, labels, () => histogramSeries.bind(labels))
          .observe(value, exemplar?.trace_id, exemplar?.span_id),
      };
  return { registry, writes };
}

function play(w: Writes) {
  w.inc({ tool: 'add', status: 'ok' });
  w.inc({ status: 'ok', tool: 'add' }, 2.5);
  w.inc({ tool: 'add', status: 'error' }, 0);
  w.inc({ tool: '_OTHER', status: 'error' });
  // Exact bounds, between bounds, above the last bound (+Inf only), zero.
  for (const [i, v] of [0, 0.1, 0.3, 1, 4.2, 5, 7.5, 0.1].entries()) {
    w.observe({ tool: i % 2 ? 'add' : 'echo' }, v, { trace_id: `t${i}`, span_id: `s${i}` });
  }
}

const noTimestamps = (text: string) => text.replace(/(# \{[^}]*\} \S+) \d+(\.\d+)?/g, '$1 TS');

async function expositions(registry: Registry<RegistryContentType>) {
  const open = noTimestamps(await registry.metrics());
  registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
  const text = await registry.metrics();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return { open, text };
}

describe.each(['series', 'bound'] as const)('CounterSeries and HistogramSeries (%s)', (kind) => {
  it('expose exactly what prom-client inc()/observe() expose, exemplars included', async () => {
    const viaPublic = registryWith('public');
    const viaSeries = registryWith(kind);
    play(viaPublic.writes);
    play(viaSeries.writes);
    const expected = await expositions(viaPublic.registry);
    expect(expected.open).toContain('h_seconds_bucket{le="+Inf",tool="echo"} 4 # {trace_id="t6",span_id="s6"} 7.5 TS');
    expect(await expositions(viaSeries.registry)).toEqual(expected);
  });

  it('keep counting after resetMetrics() and reject what prom-client rejects', async () => {
    const viaPublic = registryWith('public');
    const viaSeries = registryWith(kind);
    for (const { registry, writes } of [viaPublic, viaSeries]) {
      play(writes);
      registry.resetMetrics();
      play(writes);
    }
    expect(await expositions(viaSeries.registry)).toEqual(await expositions(viaPublic.registry));
    expect(() => viaSeries.writes.inc({ tool: 'add', status: 'ok' }, -1)).toThrow(/decrease/);
    expect(() => viaSeries.writes.inc({ tool: 'add', status: 'ok' }, Infinity)).toThrow(/not a valid number/);
    expect(() => viaSeries.writes.observe({ tool: 'add' }, NaN)).toThrow(/not a valid number/);
  });
});

describe('a histogram written through two HistogramSeries and prom-client itself', () => {
  it('counts every write once, whichever made the series first', async () => {
    const viaPublic = registryWith('public');
    const mixed = registryWith('public');
    const histogram = mixed.registry.getSingleMetric('h_seconds') as Histogram<string>;
    const first = new HistogramSeries(histogram);
    const second = new HistogramSeries(histogram);
    const writers: Writes['observe'][] = [
      (labels, value, exemplar) => histogram.observe({ labels, value, exemplarLabels: exemplar }),
      (labels, value, exemplar) => first.observe(labels, value, exemplar),
      (labels, value, exemplar) => second.observe(labels, value, exemplar),
    ];
    // Each series is made by prom-client, by `first` or by `second`, then written by all three in turn, twice.
    const values = [0.05, 0.1, 0.3, 1, 4.2, 7.5, 0.3, 2, 0.05];
    for (const [i, v] of [...values, ...values].entries()) {
      const labels = { tool: ['echo', 'add', 'sum'][i % 3]! };
      const exemplar = { trace_id: `t${i}`, span_id: `s${i}` };
      viaPublic.writes.observe(labels, v, exemplar);
      writers[(i + Math.floor(i / 3)) % 3]!(labels, v, exemplar);
    }
    const expected = await expositions(viaPublic.registry);
    expect(expected.text).toContain('h_seconds_bucket{le="5",tool="add"} 6');
    expect(await expositions(mixed.registry)).toEqual(expected);
  });
});

describe('a bound histogram\'s exemplars', () => {
  it('rewrite the label sets made for them in place and never change one prom-client was given', async () => {
    const { registry } = registryWith('public');
    const histogram = registry.getSingleMetric('h_seconds') as Histogram<string>;
    const bound = new HistogramSeries(histogram).bind({ tool: 'echo' });
    const given = { trace_id: 'given', span_id: 'g' };
    histogram.observe({ labels: { tool: 'echo' }, value: 0.05, exemplarLabels: given });
    bound.observe(0.07, 't1', 's1');
    bound.observe(0.08, 't2', 's2');
    expect(given).toEqual({ trace_id: 'given', span_id: 'g' });
    expect(await registry.metrics()).toContain('h_seconds_bucket{le="0.1",tool="echo"} 3 # {trace_id="t2",span_id="s2"} 0.08');
  });
});

describe('undefined label values', () => {
  it('leave the label off the series, as a missing label does, never written as "undefined"', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'op_seconds', help: 'h', labelNames: ['method', 'error_type'], buckets: [1], registers: [registry] });
    const counter = new Counter({ name: 'op_total', help: 'c', labelNames: ['method', 'error_type'], registers: [registry] });
    new HistogramSeries(histogram).observe({ method: 'ping', error_type: undefined }, 0.5);
    new CounterSeries(counter).inc({ method: 'ping', error_type: undefined });
    const text = await registry.metrics();
    expect(text).not.toContain('undefined');
    expect(text).toContain('op_seconds_count{method="ping"} 1');
    expect(text).toContain('op_total{method="ping"} 1');
  });
});
