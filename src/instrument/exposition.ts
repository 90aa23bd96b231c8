// Serialises a prom-client registry for /metrics, in Prometheus text or OpenMetrics, producing the
// bytes prom-client's own registry.metrics() produces in that format, at a fraction of the cost:
// - a series' label text is escaped and joined once (cached by its labels object, as prom-client
//   itself does for histogram series), not on every scrape;
// - histograms are read straight from their per-series entries instead of Histogram.get(), which
//   builds an object per bucket line (at 500 tools most of a scrape's time and garbage);
// - OpenMetrics needs no switch of the registry's content type and no in-place rename of counters
//   (prom-client strips `_total` from counter names while writing OpenMetrics), so scrapes in the
//   two formats need no lock against each other.
// Counters, gauges and anything else come through the public get(). Histogram entries use
// prom-client 15 internals (hashMap, upperBounds, bucketValues, bucketExemplars), shape-checked;
// a histogram that does not match is written from get() like any other metric.
// test/instrument/exposition.test.ts holds the output equal to prom-client's, both formats.
import { Registry, type Metric, type MetricValue, type RegistryContentType } from 'prom-client';
import { indexedStore } from './series.js';

type Labels = Record<string, string | number>;
interface Exemplar { labelSet: Labels; value: number; timestamp: number }
/** One series of a prom-client 15 histogram (Histogram.hashMap values). */
interface HistogramEntry {
  labels: Labels;
  sum: number;
  count: number;
  bucketValues: Record<number, number>;
  bucketExemplars?: Record<number, Exemplar | null>;
}
interface HistogramInternals { hashMap: Record<string, HistogramEntry>; upperBounds: readonly number[]; collect?: () => unknown }
/** A value as get() returns it (prom-client's MetricValue plus the fields its serialiser reads). */
type Value = MetricValue<string> & { metricName?: string; sharedLabels?: Labels; exemplar?: Exemplar | null };
interface MetricData { name: string; help: string; type: string; values?: Value[] }

export class MetricsExposition {
  /** Escaped `name="value",...` text per labels object (the object prom-client keeps per series). */
  private readonly labelTexts = new WeakMap<object, string>();
  /** `name_bucket{le="bound"` per histogram, one per upper bound. */
  private readonly bucketPrefixes = new WeakMap<object, string[]>();

  constructor(private readonly registry: Registry<RegistryContentType>) {}

  /** The registry's exposition and its content type, as registry.metrics() writes it in that format. */
  async render(openMetrics: boolean): Promise<{ contentType: string; body: string }> {
    const body = await this.write(openMetrics);
    return { contentType: openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE, body };
  }

  private async write(openMetrics: boolean): Promise<string> {
    const defaults = (this.registry as unknown as { _defaultLabels?: Labels })._defaultLabels;
    const defaultLabels = defaults && Object.keys(defaults).length > 0 ? defaults : undefined;
    let out = '';
    let first = true;
    // Typed as MetricObject[], but these are the registered metric instances.
    for (const metric of this.registry.getMetricsAsArray() as unknown as Metric[]) {
      if (!first) out += openMetrics ? '\n' : '\n\n';
      first = false;
      const histogram = defaultLabels ? undefined : histogramInternals(metric);
      out += histogram
        ? await this.histogram(metric as unknown as { name: string; help: string }, histogram, openMetrics)
        : this.values(await data(metric), openMetrics, defaultLabels);
    }
    return openMetrics ? `${out}\n# EOF\n` : `${out}\n`;
  }

  private async histogram(metric: { name: string; help: string }, h: HistogramInternals, openMetrics: boolean): Promise<string> {
    if (h.collect) {
      const done = h.collect();
      if (done instanceof Promise) await done;
    }
    const name = escapeString(metric.name);
    let out = header(name, metric.help, 'histogram');
    const bounds = h.upperBounds;
    const prefixes = this.bucketPrefixesOf(h, name);
    for (const e of Object.values(h.hashMap)) {
      const labels = this.labelText(e.labels);
      const tail = labels ? `,${labels}} ` : '} ';
      // Series a HistogramSeries writes keep their buckets in arrays: read those, not the accessors.
      const counts = indexedStore<number>(e.bucketValues);
      const exemplars = openMetrics && e.bucketExemplars ? indexedStore<Exemplar | null>(e.bucketExemplars) : undefined;
      let acc = 0;
      for (let i = 0; i < bounds.length; i++) {
        acc += counts ? counts[i]! : e.bucketValues[bounds[i]!]!;
        out += `\n${prefixes[i]!}${tail}${numberText(acc)}`;
        if (openMetrics && e.bucketExemplars) out += this.exemplar(exemplars ? exemplars[i] : e.bucketExemplars[bounds[i]!]);
      }
      out += `\n${name}_bucket{le="+Inf"${tail}${numberText(e.count)}`;
      if (openMetrics && e.bucketExemplars) out += this.exemplar(exemplars ? exemplars[bounds.length] : e.bucketExemplars[-1]);
      const braced = labels ? `{${labels}} ` : ' ';
      out += `\n${name}_sum${braced}${numberText(e.sum)}\n${name}_count${braced}${numberText(e.count)}`;
    }
    return out;
  }

  /** Any metric from its get() result: prom-client's getMetricsAsString, with label text cached. */
  private values(data: MetricData, openMetrics: boolean, defaultLabels: Labels | undefined): string {
    const counterInOpenMetrics = openMetrics && data.type === 'counter';
    // OpenMetrics names the counter family without `_total` and its samples with it.
    const name = escapeString(counterInOpenMetrics ? data.name.replace(/_total$/, '') : data.name);
    let out = header(name, data.help, data.type);
    for (const v of data.values ?? []) {
      let sample = v.metricName === undefined ? name : v.metricName;
      if (counterInOpenMetrics) sample += '_total';
      const labels = this.sampleLabels(v.labels as Labels, v.sharedLabels, defaultLabels);
      out += `\n${sample}${labels ? `{${labels}}` : ''} ${numberText(v.value)}`;
      if (openMetrics && v.exemplar) out += this.exemplar(v.exemplar);
    }
    return out;
  }

  /** Label text of a sample: its own labels (minus shared ones), then the shared ones (histogram series labels). */
  private sampleLabels(labels: Labels = {}, shared: Labels | undefined, defaultLabels: Labels | undefined): string {
    if (defaultLabels) labels = { ...labels, ...defaultLabels, ...labels };
    if (!shared || Object.keys(shared).length === 0) return defaultLabels ? formatLabels(labels) : this.labelText(labels);
    const own = formatLabels(labels, shared);
    const rest = this.labelText(shared);
    return own && rest ? `${own},${rest}` : own || rest;
  }

  private labelText(labels: Labels): string {
    let text = this.labelTexts.get(labels);
    if (text === undefined) {
      text = formatLabels(labels);
      this.labelTexts.set(labels, text);
    }
    return text;
  }

  private exemplar(e: Exemplar | null | undefined): string {
    if (!e) return '';
    return ` # {${formatLabels(e.labelSet)}} ${numberText(e.value)} ${e.timestamp}`;
  }

  private bucketPrefixesOf(h: HistogramInternals, name: string): string[] {
    let prefixes = this.bucketPrefixes.get(h);
    if (prefixes === undefined) {
      prefixes = h.upperBounds.map((b) => `${name}_bucket{le="${b}"`);
      this.bucketPrefixes.set(h, prefixes);
    }
    return prefixes;
  }
}

/** What prom-client's serialiser reads: getForPromString() where a metric has it (histograms), else get(). */
async function data(metric: Metric): Promise<MetricData> {
  const m = metric as Metric & { getForPromString?: () => Promise<MetricData> };
  return (typeof m.getForPromString === 'function' ? await m.getForPromString() : await metric.get()) as MetricData;
}

/** The histogram's prom-client 15 internals, or undefined when they are not shaped as expected. */
function histogramInternals(metric: Metric): HistogramInternals | undefined {
  const h = metric as unknown as Partial<HistogramInternals> & { type?: string };
  if (h.type !== 'histogram' || typeof h.hashMap !== 'object' || h.hashMap === null || !Array.isArray(h.upperBounds)) return undefined;
  // prom-client creates every entry the same way, so one entry shows the layout.
  for (const e of Object.values(h.hashMap)) {
    const shaped = typeof e === 'object' && e !== null && typeof e.bucketValues === 'object' && typeof e.sum === 'number'
      && typeof e.count === 'number' && typeof e.labels === 'object';
    return shaped ? h as HistogramInternals : undefined;
  }
  return h as HistogramInternals;
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${escapeString(help)}\n# TYPE ${name} ${type}`;
}

/** `name="value",...` in the object's key order, skipping keys of `exclude` (prom-client's formatLabels). */
function formatLabels(labels: Labels, exclude?: Labels): string {
  let out = '';
  for (const name of Object.keys(labels)) {
    if (exclude && Object.prototype.hasOwnProperty.call(exclude, name)) continue;
    const value = labels[name];
    out += `${out ? ',' : ''}${name}="${typeof value === 'string' ? escapeString(value).replace(/"/g, '\\"') : value}"`;
  }
  return out;
}

function escapeString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** prom-client's getValueAsString (NaN is spelled `Nan` there; kept, so the bytes match). */
function numberText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}
