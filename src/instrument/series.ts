// Hot-path writes into prom-client series. prom-client 15 validates every label and builds the
// label hash on each inc()/observe(), and walks the exemplar labels again (0.4–1.2 µs per write,
// nine writes per tool call). These wrappers resolve a label set once, through prom-client's own
// API, and then add straight into the entry prom-client keeps for that series — the object its
// registry serialises — so scrapes read exactly what inc()/observe() would have written.
// This relies on prom-client 15's per-series entries (`hashMap`); test/instrument/series.test.ts
// holds the exposition equal to the public API's, so a prom-client change fails there first.
import type { Counter, Histogram } from 'prom-client';

/** Label values; an undefined one leaves the label off the series, as with prom-client's own API. */
type Labels = Record<string, string | undefined>;
interface CounterEntry { value: number }
interface ExemplarEntry { labelSet: Labels; value: number; timestamp: number }
interface HistogramEntry {
  sum: number;
  count: number;
  bucketValues: Record<number, number>;
  bucketExemplars?: Record<number, ExemplarEntry | null>;
}
/** The prom-client 15 fields read here. */
interface MetricInternals<E> { hashMap: Record<string, E>; labelNames: string[]; sortedLabelNames: string[] }

/** One level per label name, keyed by label value; the last level holds the entries. */
type Trie<E> = Map<string | undefined, Trie<E> | E>;

abstract class SeriesCache<E> {
  // Nested maps rather than one joined key: label values are mostly the same string objects
  // call after call, whose hashes V8 caches; a joined key would be a new string to hash each time.
  private entries: Trie<E> = new Map();
  /** The map the cached entries live in; reset() replaces it, which drops the cache. */
  private map: Record<string, E> | undefined;
  private readonly internals: MetricInternals<E>;

  constructor(metric: object) {
    this.internals = metric as MetricInternals<E>;
  }

  protected entry(labels: Labels): E {
    const { hashMap, labelNames } = this.internals;
    if (hashMap !== this.map) {
      this.entries = new Map();
      this.map = hashMap;
    }
    let level = this.entries;
    const last = labelNames.length - 1;
    for (let i = 0; i < last; i++) {
      const value = labels[labelNames[i]!];
      let next = level.get(value) as Trie<E> | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      level = next;
    }
    const value = last < 0 ? undefined : labels[labelNames[last]!];
    let e = level.get(value) as E | undefined;
    if (e === undefined) {
      e = this.resolve(labels);
      level.set(value, e);
    }
    return e;
  }

  /** prom-client's entry for these labels, created (and validated) through its public API if new. */
  private resolve(labels: Labels): E {
    // prom-client's own hash: `name:value,` for each defined label, in sorted label-name order.
    let hash = '';
    for (const name of this.internals.sortedLabelNames) if (labels[name] !== undefined) hash += `${name}:${labels[name]},`;
    if (this.internals.hashMap[hash] === undefined) {
      // Only defined values reach prom-client (Histogram.zero() would write an undefined one as
      // "undefined"), in the caller's order, which is the order prom-client writes them in.
      const defined: Record<string, string> = {};
      for (const name in labels) if (labels[name] !== undefined) defined[name] = labels[name];
      this.create(defined);
    }
    const e = this.internals.hashMap[hash];
    if (e === undefined) throw new Error('instrumentation: prom-client series layout changed (expected prom-client 15)');
    return e;
  }

  protected abstract create(labels: Record<string, string>): void;
}

export class CounterSeries extends SeriesCache<CounterEntry> {
  constructor(private readonly counter: Counter<string>) {
    super(counter);
  }

  inc(labels: Labels, value = 1): void {
    // The checks prom-client makes, so bad input fails the same way.
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    if (value < 0) throw new Error('It is not possible to decrease a counter');
    this.entry(labels).value += value;
  }

  protected create(labels: Record<string, string>): void {
    this.counter.inc(labels, 0);
  }
}

export class HistogramSeries extends SeriesCache<HistogramEntry> {
  private readonly upperBounds: readonly number[];
  /**
   * Each bound's property name in prom-client's bucket records ("+Inf" is -1 there), as a string:
   * indexing those records with the number itself converts it to a string on every write (~7x slower).
   */
  private readonly bucketKeys: readonly string[];

  constructor(private readonly histogram: Histogram<string>) {
    super(histogram);
    this.upperBounds = (histogram as unknown as { upperBounds: number[] }).upperBounds;
    this.bucketKeys = [...this.upperBounds.map(String), '-1'];
  }

  /** As Histogram.observe; `exemplar` labels (on exemplar-enabled histograms) replace the bucket's exemplar. */
  observe(labels: Labels, value: number, exemplar?: Labels): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const e = this.entry(labels);
    // prom-client's bucket choice: the first upper bound >= value, -1 (only +Inf) above the last.
    const bounds = this.upperBounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    const key = this.bucketKeys[i]!;
    const values = e.bucketValues as Record<string, number>;
    e.sum += value;
    e.count += 1;
    if (i < bounds.length) values[key]! += 1;
    if (exemplar === undefined || e.bucketExemplars === undefined) return;
    const timestamp = Date.now() / 1000;
    const exemplars = e.bucketExemplars as Record<string, ExemplarEntry | null>;
    const current = exemplars[key];
    if (current) {
      current.labelSet = exemplar;
      current.value = value;
      current.timestamp = timestamp;
    } else {
      exemplars[key] = { labelSet: exemplar, value, timestamp };
    }
  }

  protected create(labels: Record<string, string>): void {
    this.histogram.zero(labels);
  }
}
