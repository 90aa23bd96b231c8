// /metrics is written by our own serialiser (src/instrument/exposition.ts); it must produce what
// prom-client's registry.metrics() produces, byte for byte, in Prometheus text and OpenMetrics,
// and promtool must read it as it reads prom-client's.
import { execa } from 'execa';
import { Counter, Gauge, Histogram, Registry, Summary, type RegistryContentType } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProfile, type ProfileName } from '../../src/catalog/index.js';
import type { Instrumentation } from '../../src/instrument/index.js';
import { MetricsExposition } from '../../src/instrument/exposition.js';
import { populatedInstrumentation } from '../../bench/render.js';

/** A client name with a quote, a backslash and a newline: label escaping must match prom-client's. */
const AWKWARD_CLIENT = 'we"ird\\cli\nent';

/** prom-client's own exposition in each format (the OpenMetrics write renames counters in place; undone here). */
async function promClientExposition(registry: Registry<RegistryContentType>): Promise<{ text: string; open: string }> {
  const text = await registry.metrics();
  const metrics = registry.getMetricsAsArray() as unknown as { name: string }[];
  const names = metrics.map((m) => m.name);
  const type = registry.contentType;
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  try {
    return { text, open: await registry.metrics() };
  } finally {
    registry.setContentType(type);
    metrics.forEach((m, i) => { m.name = names[i]!; });
  }
}

async function ours(registry: Registry<RegistryContentType>): Promise<{ text: string; open: string }> {
  const exposition = new MetricsExposition(registry);
  const text = await exposition.render(false);
  const open = await exposition.render(true);
  expect(text.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
  expect(open.contentType).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
  return { text: text.body, open: open.body };
}

/** Every metric type and the corners of prom-client's format: no labels, escaping, NaN/Inf, exemplars, collect(). */
function cornerRegistry(): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE); // exemplar-enabled metrics need it at creation
  const calls = new Counter({ name: 'calls_total', help: 'help with \\ and\nnewline', labelNames: ['tool', 'status'], registers: [registry] });
  calls.inc({ status: 'ok', tool: 'a"b\\c\nd' }, 2);
  calls.inc({ tool: 'x', status: 'ok' }, 0.1 + 0.2);
  const bare = new Counter({ name: 'bare', help: 'no _total suffix', registers: [registry], enableExemplars: true });
  bare.inc({ value: 3, exemplarLabels: { trace_id: 'abc' } });
  const level = new Gauge({ name: 'level', help: 'gauge', labelNames: ['k'], registers: [registry],
    collect() { this.set({ k: 'collected' }, 7); } });
  level.set({ k: 'nan' }, NaN);
  level.set({ k: 'inf' }, Infinity);
  level.set({ k: 'minus_inf' }, -Infinity);
  const plain = new Histogram({ name: 'plain_seconds', help: 'no labels', buckets: [0.1, 1], registers: [registry] });
  plain.observe(0.5);
  const withExemplars = new Histogram<string>({ name: 'ex_seconds', help: 'exemplars', labelNames: ['tool'], buckets: [0.1, 1],
    enableExemplars: true, registers: [registry] });
  withExemplars.observe({ labels: { tool: 'a' }, value: 0.05, exemplarLabels: { trace_id: 't1', span_id: 's1' } });
  withExemplars.observe({ labels: { tool: 'a' }, value: 3, exemplarLabels: { trace_id: 't2', span_id: 's"2' } });
  withExemplars.observe({ labels: { tool: 'b' }, value: 0.5 });
  new Histogram({ name: 'empty_seconds', help: 'no series yet', labelNames: ['tool'], registers: [registry] });
  const summary = new Summary({ name: 'sizes', help: 'summary', labelNames: ['kind'], percentiles: [0.5, 0.9], registers: [registry] });
  summary.observe({ kind: 'k' }, 4);
  registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
  return registry;
}

describe('MetricsExposition', () => {
  it('writes exactly what prom-client writes, in both formats, for every metric type and escaping corner', async () => {
    const registry = cornerRegistry();
    const expected = await promClientExposition(registry);
    expect(expected.open).toContain('ex_seconds_bucket{le="+Inf",tool="a"} 2 # {trace_id="t2",span_id="s\\"2"} 3 ');
    expect(expected.open).toContain('# TYPE bare counter\nbare_total 3 # {trace_id="abc"} 3 ');
    expect(expected.text).toContain('calls_total{status="ok",tool="a\\"b\\\\c\\nd"} 2');
    expect(await ours(registry)).toEqual(expected);
  });

  it('applies the registry default labels as prom-client does', async () => {
    const registry = cornerRegistry();
    registry.setDefaultLabels({ service: 'svc', tool: 'default' });
    const expected = await promClientExposition(registry);
    expect(expected.text).toContain('plain_seconds_bucket{le="0.1",service="svc",tool="default"} 0');
    expect(await ours(registry)).toEqual(expected);
  });

  it('leaves the registry as it found it: counter names keep _total after an OpenMetrics scrape', async () => {
    const registry = cornerRegistry();
    const names = (registry.getMetricsAsArray() as unknown as { name: string }[]).map((m) => m.name);
    await new MetricsExposition(registry).render(true);
    expect((registry.getMetricsAsArray() as unknown as { name: string }[]).map((m) => m.name)).toEqual(names);
    expect(registry.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
  });

  describe.each(['prom-client', 'otel'] as const)('the %s profile, populated by SDK traffic', (profile: ProfileName) => {
    let populated: { instr: Instrumentation; close(): Promise<void> };
    beforeAll(async () => { populated = await populatedInstrumentation(['add', 'divide', 'search'], profile, AWKWARD_CLIENT); });
    afterAll(() => populated.close());

    // Runtime families are read from the process at each scrape (CPU, memory, handles), so two
    // scrapes differ in their values, and nodejs_active_* even in which series exist right now.
    const runtime = getProfile(profile).families.filter((f) => f.runtime).map((f) => f.name);
    const stable = (exposition: string) => exposition.split('\n').flatMap((line) => {
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      const family = name && runtime.find((r) => name === r || name.startsWith(`${r.replace(/_total$/, '')}_`));
      if (!family) return [line];
      if (family.startsWith('nodejs_active_')) return [];
      return [line.replace(/ \S+$/, ' <runtime value>')];
    }).join('\n');

    it('equals prom-client\'s own exposition in both formats, exemplars and label escaping included', async () => {
      const registry = populated.instr.registry;
      const expected = await promClientExposition(registry);
      const got = await ours(registry);
      expect(expected.open).toMatch(/_bucket\{le="[^"]+",[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\}/);
      if (profile === 'prom-client') expect(expected.text).toContain(`client_name="we\\"ird\\\\cli\\nent"`);
      expect(stable(got.text)).toEqual(stable(expected.text));
      expect(stable(got.open)).toEqual(stable(expected.open));
    });

    it('reads in promtool as prom-client\'s does (Prometheus text)', async () => {
      const check = (text: string) => execa('promtool', ['check', 'metrics'], { input: text, reject: false, all: true });
      const [got, expected] = await Promise.all([
        check((await ours(populated.instr.registry)).text),
        check((await promClientExposition(populated.instr.registry)).text),
      ]);
      expect(got.all).not.toMatch(/parsing error/);
      // prom-client's default metrics carry lint findings of their own (gauges named *_total); the same ones, no others.
      expect({ exitCode: got.exitCode, findings: got.all }).toEqual({ exitCode: expected.exitCode, findings: expected.all });
    });
  });
});
