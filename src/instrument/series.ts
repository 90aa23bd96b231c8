// Hot-path writes into prom-client series. prom-client 15 validates every label and builds the
// label hash on each inc()/observe(), and walks the exemplar labels again (0.4–1.2 µs per write,
// nine writes per tool call). These wrappers resolve a label set once, through prom-client's own
// API, and then add straight into the entry prom-client keeps for that series — the object its
// registry serialises — so scrapes read exactly what inc()/observe() would have written.
// This relies on prom-client 15's per-series entries (`hashMap`); test/instrument/series.test.ts
// holds the exposition equal to the public API's, so a prom-client change fails there first.
// A histogram series' bucket counts and exemplars live in arrays indexed by bucket; prom-client's
// records keyed by bound read and write those arrays through accessors, so its export and its own
// observe() see the same numbers. Writing `record[bound] += 1` from here was one keyed access site
// for every bound of every histogram: megamorphic, and on a Streamable HTTP server, whose code
// crowds V8's shared lookup cache, it fell back to a full property lookup in some runs (0.9 to 2.7
// µs per call in CPU profiles of the same build).
import type { Counter, Gauge, Histogram } from 'prom-client';
import Exemplar from 'prom-client/lib/exemplar.js';

/** Label values; an undefined one leaves the label off the series, as with prom-client's own API. */
type Labels = Record<string, string | undefined>;
interface CounterEntry { value: number }
interface ExemplarEntry { labelSet: Labels; value: number; timestamp: number }
interface HistogramEntry {
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
  bucketExemplars?: Record<string, ExemplarEntry | null>;
}
/** A histogram series as written here: prom-client's entry, and its buckets by index. */
interface HistogramSlot {
  entry: HistogramEntry;
  counts: Float64Array;
  exemplars?: (ExemplarEntry | null)[];
}
/** The prom-client 15 fields read here. */
interface MetricInternals<E> { hashMap: Record<string, E>; labelNames: string[]; sortedLabelNames: string[] }

/** One level per label name, keyed by label value; the last level holds the entries. */
type Trie<E> = Map<string | undefined, Trie<E> | E>;

/** `E` is prom-client's entry for a series, `S` what the cache keeps for it. */
abstract class SeriesCache<E, S> {
  // Nested maps rather than one joined key: label values are mostly the same string objects
  // call after call, whose hashes V8 caches; a joined key would be a new string to hash each time.
  private entries: Trie<S> = new Map();
  /** The map the cached entries live in; reset() replaces it, which drops the cache. */
  private map: Record<string, E> | undefined;
  private readonly internals: MetricInternals<E>;

  constructor(metric: object) {
    this.internals = metric as MetricInternals<E>;
  }

  protected entry(labels: Labels): S {
    const { hashMap, labelNames } = this.internals;
    if (hashMap !== this.map) {
      this.entries = new Map();
      this.map = hashMap;
    }
    let level = this.entries;
    const last = labelNames.length - 1;
    for (let i = 0; i < last; i++) {
      const value = labels[labelNames[i]!];
      let next = level.get(value) as Trie<S> | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      level = next;
    }
    const value = last < 0 ? undefined : labels[labelNames[last]!];
    let slot = level.get(value) as S | undefined;
    if (slot === undefined) {
      slot = this.adopt(this.resolve(labels));
      level.set(value, slot);
    }
    return slot;
  }

  /** The map prom-client keeps this metric's entries in; reset() replaces it. */
  get entryMap(): object {
    return this.internals.hashMap;
  }

  /** What the cache keeps for the series of `labels`, made now (a bound child keeps it). */
  slotFor(labels: Labels): S {
    return this.adopt(this.resolve(labels));
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
  /** What the cache keeps for a series, made once from prom-client's entry. */
  protected abstract adopt(entry: E): S;
}

export class CounterSeries extends SeriesCache<CounterEntry, CounterEntry> {
  constructor(private readonly counter: Counter<string>) {
    super(counter);
  }

  inc(labels: Labels, value = 1): void {
    // The checks prom-client makes, so bad input fails the same way.
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    if (value < 0) throw new Error('It is not possible to decrease a counter');
    this.entry(labels).value += value;
  }

  /** The series of `labels`, bound once: its writes skip the label lookup. */
  bind(labels: Labels): BoundCounter {
    return new BoundCounter(this, labels);
  }

  protected create(labels: Record<string, string>): void {
    this.counter.inc(labels, 0);
  }

  protected adopt(entry: CounterEntry): CounterEntry {
    return entry;
  }
}

/** Gauge series written on the hot path (in-flight requests): entries as counters', any sign. */
export class GaugeSeries extends SeriesCache<CounterEntry, CounterEntry> {
  constructor(private readonly gauge: Gauge<string>) {
    super(gauge);
  }

  /** The series of `labels`, bound once (created at 0). */
  bind(labels: Labels): BoundGauge {
    return new BoundGauge(this, labels);
  }

  protected create(labels: Record<string, string>): void {
    this.gauge.inc(labels, 0);
  }

  protected adopt(entry: CounterEntry): CounterEntry {
    return entry;
  }
}

/** Adds `value` to a series' sum, count and bucket; returns the bucket's index (bounds.length for +Inf alone). */
function addObservation(slot: HistogramSlot, bounds: readonly number[], value: number): number {
  // prom-client's bucket choice: the first upper bound >= value, -1 (only +Inf) above the last.
  let i = 0;
  while (i < bounds.length && value > bounds[i]!) i++;
  slot.entry.sum += value;
  slot.entry.count += 1;
  if (i < bounds.length) slot.counts[i]! += 1;
  return i;
}

const STORE = Symbol('indexed store');
type Indexed<T> = { [STORE]: T[] | Float64Array };

/**
 * Makes records whose property `keys[i]` reads and writes `store[i]`. The accessors are shared by
 * every record of one histogram (one hidden class for all its series); the store is per record.
 */
function indexedRecords<T>(keys: readonly string[]): (store: T[] | Float64Array) => Record<string, T> {
  const descriptors: PropertyDescriptorMap = {};
  keys.forEach((key, i) => {
    descriptors[key] = {
      enumerable: true,
      get(this: Indexed<T>) { return this[STORE][i]; },
      set(this: Indexed<T>, v: T) { this[STORE][i] = v as T & number; },
    };
  });
  return (store) => Object.defineProperties(Object.defineProperty({}, STORE, { value: store }), descriptors) as Record<string, T>;
}

/**
 * The array behind a bucket record a HistogramSeries made (counts or exemplars by bucket index, the
 * +Inf exemplar last), or undefined for prom-client's own records. /metrics reads counts from it.
 */
export const indexedStore = <T>(record: object | undefined): ArrayLike<T> | undefined =>
  (record as Partial<Indexed<T>> | undefined)?.[STORE] as ArrayLike<T> | undefined;

export class HistogramSeries extends SeriesCache<HistogramEntry, HistogramSlot> {
  private readonly upperBounds: readonly number[];
  /** Each bound's property name in prom-client's bucket records, and "-1" (its name for +Inf) last. */
  private readonly bucketKeys: readonly string[];
  private readonly countRecords: (store: Float64Array) => Record<string, number>;
  private readonly exemplarRecords: (store: (ExemplarEntry | null)[]) => Record<string, ExemplarEntry | null>;

  constructor(private readonly histogram: Histogram<string>) {
    super(histogram);
    this.upperBounds = (histogram as unknown as { upperBounds: number[] }).upperBounds;
    this.bucketKeys = [...this.upperBounds.map(String), '-1'];
    this.countRecords = indexedRecords<number>(this.bucketKeys.slice(0, -1));
    this.exemplarRecords = indexedRecords<ExemplarEntry | null>(this.bucketKeys);
  }

  /** As Histogram.observe; `exemplar` labels (on exemplar-enabled histograms) replace the bucket's exemplar. */
  observe(labels: Labels, value: number, exemplar?: Labels): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const slot = this.entry(labels);
    const i = addObservation(slot, this.upperBounds, value);
    if (exemplar === undefined || slot.exemplars === undefined) return;
    const timestamp = Date.now() / 1000;
    const current = slot.exemplars[i];
    if (current) {
      current.labelSet = exemplar;
      current.value = value;
      current.timestamp = timestamp;
    } else {
      // prom-client's class, whose observe() may update this exemplar later.
      const created = new Exemplar(exemplar, value) as ExemplarEntry;
      created.timestamp = timestamp;
      slot.exemplars[i] = created;
    }
  }

  /** The series of `labels`, bound once: its writes skip the label lookup. */
  bind(labels: Labels): BoundHistogram {
    return new BoundHistogram(this, this.upperBounds, labels);
  }

  protected create(labels: Record<string, string>): void {
    this.histogram.zero(labels);
  }

  /** Moves the series' buckets into arrays (keeping what was counted) behind accessor records. */
  protected adopt(entry: HistogramEntry): HistogramSlot {
    const keys = this.bucketKeys;
    let counts = indexedStore<number>(entry.bucketValues) as Float64Array | undefined;
    if (counts === undefined) {
      counts = Float64Array.from(this.upperBounds, (_, i) => entry.bucketValues[keys[i]!] ?? 0);
      entry.bucketValues = this.countRecords(counts);
    }
    const recorded = entry.bucketExemplars;
    if (recorded === undefined) return { entry, counts };
    let exemplars = indexedStore<ExemplarEntry | null>(recorded) as (ExemplarEntry | null)[] | undefined;
    if (exemplars === undefined) {
      exemplars = keys.map((key) => recorded[key] ?? null);
      entry.bucketExemplars = this.exemplarRecords(exemplars);
    }
    return { entry, counts, exemplars };
  }
}

/**
 * One counter series, bound once to prom-client's entry for it (the hot path's writes: no label
 * object, no lookup). A reset() replaces prom-client's entries; the next write binds again.
 */
export class BoundCounter {
  private map: object;
  private slot: CounterEntry;

  constructor(private readonly series: CounterSeries, private readonly labels: Labels) {
    this.map = series.entryMap;
    this.slot = series.slotFor(labels);
  }

  inc(value = 1): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    if (value < 0) throw new Error('It is not possible to decrease a counter');
    if (this.series.entryMap !== this.map) {
      this.map = this.series.entryMap;
      this.slot = this.series.slotFor(this.labels);
    }
    this.slot.value += value;
  }
}

/** One gauge series, bound once (see BoundCounter). */
export class BoundGauge {
  private map: object;
  private slot: CounterEntry;

  constructor(private readonly series: GaugeSeries, private readonly labels: Labels) {
    this.map = series.entryMap;
    this.slot = series.slotFor(labels);
  }

  add(delta: number): void {
    if (this.series.entryMap !== this.map) {
      this.map = this.series.entryMap;
      this.slot = this.series.slotFor(this.labels);
    }
    this.slot.value += delta;
  }
}

/** One histogram series, bound once (see BoundCounter); its exemplar labels are written in place. */
export class BoundHistogram {
  private map: object;
  private slot: HistogramSlot;

  constructor(private readonly series: HistogramSeries, private readonly bounds: readonly number[], private readonly labels: Labels) {
    this.map = series.entryMap;
    this.slot = series.slotFor(labels);
  }

  /** As Histogram.observe; with a trace id and span id (on exemplar-enabled histograms) they replace the bucket's exemplar. */
  observe(value: number, traceId?: string, spanId?: string): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    if (this.series.entryMap !== this.map) {
      this.map = this.series.entryMap;
      this.slot = this.series.slotFor(this.labels);
    }
    const slot = this.slot;
    const i = addObservation(slot, this.bounds, value);
    if (traceId === undefined || slot.exemplars === undefined) return;
    writeExemplar(slot.exemplars, i, value, traceId, spanId!);
  }
}

/** An exemplar label set made here, so rewritten in place (a label set someone else passed is replaced, never changed). */
class TraceLabels {
  constructor(public trace_id: string, public span_id: string) {}
}

/** Replaces bucket i's exemplar, reusing its objects when they were made here. */
function writeExemplar(exemplars: (ExemplarEntry | null)[], i: number, value: number, traceId: string, spanId: string): void {
  const timestamp = Date.now() / 1000;
  const current = exemplars[i];
  if (current === null || current === undefined) {
    // prom-client's class, whose observe() may update this exemplar later.
    const created = new Exemplar(new TraceLabels(traceId, spanId) as unknown as Labels, value) as ExemplarEntry;
    created.timestamp = timestamp;
    exemplars[i] = created;
    return;
  }
  const labels = current.labelSet;
  if (labels instanceof TraceLabels) {
    labels.trace_id = traceId;
    labels.span_id = spanId;
  } else {
    current.labelSet = new TraceLabels(traceId, spanId) as unknown as Labels;
  }
  current.value = value;
  current.timestamp = timestamp;
}
