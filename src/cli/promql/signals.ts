// Reads catalogue signals as PromQL for one profile: the only place that knows how a profile
// spells a signal, so rules and dashboards never name a metric or label themselves.
import { exportedNames, signalSeries, type MatchOp, type Matcher, type Profile, type Role, type SignalId, type SignalSpelling } from '@mcp-observability/catalog';
import { aggregate, grouping, histogramQuantile, rate, ratio, selector, sumBy, type Aggregation, type MatcherLike } from './expr.js';

export type Subset = 'failed' | 'callerFailed' | 'serverFailed';
export type RoleFilter = Partial<Record<Role, string | { op: MatchOp; value: string }>>;

export interface SelectOptions {
  part?: 'count' | 'sum' | 'bucket';
  subset?: Subset;
  where?: RoleFilter;
  /** Further raw matchers, e.g. a histogram bucket boundary. */
  extra?: readonly MatcherLike[];
}
export interface AggregateOptions extends SelectOptions {
  /** Roles to keep besides the scope's always-kept labels. */
  by?: readonly Role[];
}

/** The `le` matcher of the bucket that counts every observation. */
export const ALL_OBSERVATIONS: Matcher = { label: 'le', op: '=', value: '+Inf' };

/** The `le` matcher of one histogram bucket boundary: `le=~"T(\.0)?"` matches Prometheus 2 and 3 spellings. */
export function bucketBoundary(seconds: number): Matcher {
  return { label: 'le', op: '=~', value: `${seconds}(\\.0)?` };
}

export class SignalQueries {
  /**
   * @param scope matchers on every selector (config selector, or dashboard variables)
   * @param keep labels every aggregation keeps (extra aggregation labels such as cluster, then job/instance)
   */
  constructor(
    readonly profile: Profile,
    readonly scope: readonly MatcherLike[],
    readonly keep: readonly string[],
  ) {}

  has(...ids: SignalId[]): boolean {
    return ids.every((id) => this.profile.signals[id] !== undefined);
  }

  spelling(id: SignalId): SignalSpelling {
    const s = this.profile.signals[id];
    if (!s) throw new Error(`signal ${id} is not in the ${this.profile.name} profile; gate the rule or panel with has()`);
    return s;
  }

  /** The label a role is spelled as for this signal. */
  label(id: SignalId, role: Role): string {
    const name = this.spelling(id).labels[role];
    if (!name) throw new Error(`signal ${id} has no ${role} label in the ${this.profile.name} profile`);
    return name;
  }

  /** A well-known label value as this profile spells it (transport http → tcp in otel). */
  value(id: SignalId, role: Role, value: string): string {
    return this.spelling(id).values?.[role]?.[value] ?? value;
  }

  labels(id: SignalId, roles: readonly Role[] = []): string[] {
    return roles.map((r) => this.label(id, r));
  }

  /** The series name a signal reads (with the histogram part it needs). */
  series(id: SignalId, part?: 'count' | 'sum' | 'bucket'): string {
    return signalSeries(this.spelling(id), part);
  }

  select(id: SignalId, opts: SelectOptions = {}): string {
    const s = this.spelling(id);
    return selector(signalSeries(s, opts.part ?? s.part), this.matchers(id, opts));
  }

  /**
   * select() on the series servers export. A normalised family (otel:…) is a recording rule's
   * copy, and recording rules drop exemplars: a query for exemplars names the exported spellings.
   */
  selectExported(id: SignalId, opts: SelectOptions = {}): string {
    const s = this.spelling(id);
    const family = this.profile.normalised?.find((f) => f.name === s.family);
    if (!family) return this.select(id, opts);
    return selector('', [{ label: '__name__', op: '=~', value: exportedNames(family, opts.part ?? s.part) }, ...this.matchers(id, opts)]);
  }

  private matchers(id: SignalId, opts: SelectOptions): MatcherLike[] {
    const s = this.spelling(id);
    const matchers: MatcherLike[] = [...this.scope, ...(s.matchers ?? [])];
    if (opts.subset) {
      const subset = s[opts.subset];
      if (!subset) throw new Error(`signal ${id} has no ${opts.subset} subset in the ${this.profile.name} profile`);
      matchers.push(...subset);
    }
    for (const [role, filter] of Object.entries(opts.where ?? {}) as [Role, string | { op: MatchOp; value: string }][]) {
      const m: Matcher = typeof filter === 'string'
        ? { label: this.label(id, role), op: '=', value: this.value(id, role, filter) }
        : { label: this.label(id, role), op: filter.op, value: filter.value };
      matchers.push(m);
    }
    matchers.push(...(opts.extra ?? []));
    return matchers;
  }

  /** `sum by (keep, roles) (rate(signal[window]))`. */
  rate(id: SignalId, window: string, opts: AggregateOptions = {}): string {
    return sumBy(grouping(this.keep, this.labels(id, opts.by)), rate(this.select(id, opts), window));
  }

  /** Per-second rate of a histogram signal's buckets, per kept label, role and `le`: what a quantile is computed from. */
  bucketRate(id: SignalId, window: string, opts: AggregateOptions = {}): string {
    const by = grouping(this.keep, this.labels(id, opts.by), ['le']);
    return sumBy(by, rate(this.select(id, { ...opts, part: 'bucket' }), window));
  }

  /** Quantile of a histogram signal over `window`, per kept label and role. */
  quantile(q: number, id: SignalId, window: string, opts: AggregateOptions = {}): string {
    return histogramQuantile(q, this.bucketRate(id, window, opts));
  }

  /** Aggregate of a gauge signal. */
  gauge(id: SignalId, op: Aggregation = 'sum', opts: AggregateOptions = {}): string {
    return aggregate(op, grouping(this.keep, this.labels(id, opts.by)), this.select(id, opts));
  }

  /**
   * Share of observations at or under a bucket boundary (latency SLI).
   * No sample where nothing was observed: 0/0 would be NaN, and one NaN poisons every average over it (the SLO period ratio).
   */
  fastShare(id: SignalId, thresholdSeconds: number, window: string, opts: AggregateOptions = {}): string {
    const le = bucketBoundary(thresholdSeconds);
    const by = grouping(this.keep, this.labels(id, opts.by));
    const fast = sumBy(by, rate(this.select(id, { ...opts, part: 'bucket', extra: [...(opts.extra ?? []), le] }), window));
    const all = sumBy(by, rate(this.select(id, { ...opts, part: 'count' }), window));
    return ratio(fast, all);
  }
}
