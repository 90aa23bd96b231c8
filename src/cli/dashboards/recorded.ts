// Recorded series (src/rules/recorded.ts) as fleet panels read them, so a panel's cost grows with
// jobs × tools instead of raw series × instances. They are aggregated per job and tool by the rules:
// panels keep the job and tool filters, but there is no instance label to match (see the lint
// exclusions of each dashboard).
import { ALL_OBSERVATIONS, histogramQuantile, ratio, selector, sumBy, type MatcherLike, type SignalQueries } from '../promql/index.js';
import { recordedSeries, SLO_LABEL, SLO_NAMES, type RecordedQuantile, type RecordedSeries, type SloWindow } from '../rules/recorded.js';
import { RANGE, RANGE_SECONDS } from './expressions.js';
import { SCOPE } from './variables.js';

/** Why a panel reading recorded series skips the instance matcher (dashboard-linter exclusion reason). */
export const RECORDED_EXCLUSION_REASON = 'Reads series recorded per job and tool (src/rules/recorded.ts): they carry no instance label, ' +
  'and reading them keeps the query cheap on a large fleet.';

export type SloKind = keyof typeof SLO_NAMES;
const JOB_SERIES: Record<JobSeries, true> = {
  messageSizeBuckets: true, gcDurationBuckets: true, agentTurnsBuckets: true, hallucinationRate: true, requestRate: true, jsonrpcErrorRate: true,
  requestsInFlight: true, handshakeRate: true, handshakeSuccessRatio: true, resourceReadRate: true, resourceServerErrorRate: true,
  resourceResponseSizeBuckets: true, sessionDurationBuckets: true, protocolVersionRequestRate: true,
};
/** Recorded series spelled as a plain name (not per quantile or window). */
type NamedSeries = { [K in keyof RecordedSeries]-?: NonNullable<RecordedSeries[K]> extends string ? K : never }[keyof RecordedSeries];
/** Recorded bucket rates of histogram signals. */
type BucketSeries = Extract<NamedSeries, `${string}Buckets`>;
/** Recorded series aggregated per job without a tool label. */
type JobSeries = 'messageSizeBuckets' | 'gcDurationBuckets' | 'agentTurnsBuckets' | 'hallucinationRate' | 'requestRate' | 'jsonrpcErrorRate'
  | 'requestsInFlight' | 'handshakeRate' | 'handshakeSuccessRatio' | 'resourceReadRate' | 'resourceServerErrorRate' | 'resourceResponseSizeBuckets'
  | 'sessionDurationBuckets' | 'protocolVersionRequestRate';
/** Recorded series aggregated per process (job and instance): they keep the instance filter. */
type InstanceSeries = 'unknownRequestRate' | 'throttledClientRate';
/** Recorded series aggregated per job and tool. */
type ToolSeries = Exclude<NamedSeries, JobSeries | InstanceSeries>;

export class RecordedQueries {
  private readonly series: RecordedSeries;

  constructor(private readonly q: SignalQueries) {
    this.series = recordedSeries(q.profile);
  }

  /** The tool label of the recorded per-tool series (the profile's spelling). */
  get toolLabel(): string {
    return this.q.label('toolCalls', 'tool');
  }

  /** Whether the profile records the series (its rule is generated). */
  has(key: keyof RecordedSeries): boolean {
    return this.series[key] !== undefined;
  }

  private defined<T>(key: keyof RecordedSeries, value: T | undefined): T {
    if (value === undefined) throw new Error(`recorded series ${key} is not recorded for the ${this.q.profile.name} profile; gate the panel with has()`);
    return value;
  }

  private select(name: string, slo?: SloKind, extra: readonly MatcherLike[] = []): string {
    const matchers: MatcherLike[] = [SCOPE[0], { label: this.toolLabel, op: '=~', value: '$tool' }, ...extra];
    if (slo) matchers.push({ label: SLO_LABEL, op: '=', value: SLO_NAMES[slo] });
    return selector(name, matchers);
  }

  /** A series recorded per job and tool for the selected jobs and tools, or per job for the selected jobs. */
  private named(key: NamedSeries, extra: readonly MatcherLike[] = []): string {
    const name = this.defined(key, this.series[key]);
    return (key as string) in JOB_SERIES ? selector(name, [SCOPE[0], ...extra]) : this.select(name, undefined, extra);
  }

  /** A per-job, per-tool recorded series for the selected jobs and tools. */
  perTool(key: ToolSeries, slo?: SloKind): string {
    return this.select(this.defined(key, this.series[key]), slo);
  }

  /** A per-job, per-tool recorded series for the selected jobs and every tool (the tool filter left out), or those `extra` keeps. */
  allTools(key: ToolSeries, extra: readonly MatcherLike[] = []): string {
    return selector(this.defined(key, this.series[key]), [SCOPE[0], ...extra]);
  }

  /** A series recorded per job (no tool label), for the selected jobs. */
  perJob(key: JobSeries): string {
    return this.named(key);
  }

  /** A series recorded per job and instance, for the selected jobs and instances. */
  perInstance(key: InstanceSeries, extra: readonly MatcherLike[] = []): string {
    return selector(this.defined(key, this.series[key]), [...SCOPE, ...extra]);
  }

  /** Quantile of a recorded bucket rate over the selected jobs (and tools), per the given labels. */
  quantile(q: number, key: BucketSeries, by: readonly string[]): string {
    return histogramQuantile(q, sumBy([...by, 'le'], this.named(key)));
  }

  /** Observations per second from a recorded bucket rate (its `+Inf` bucket), per the given labels. */
  count(key: BucketSeries, by: readonly string[]): string {
    return sumBy(by, this.named(key, [ALL_OBSERVATIONS]));
  }

  /**
   * Increase over the dashboard's time range from a recorded 5m rate: its mean over the range times
   * the range in seconds, summed per the given labels.
   */
  increaseOverRange(key: ToolSeries, by: readonly string[], tools: 'selected' | 'all' = 'selected'): string {
    return sumBy(by, `avg_over_time(${tools === 'all' ? this.allTools(key) : this.perTool(key)}[${RANGE}]) * ${RANGE_SECONDS}`);
  }

  /** Tool latency quantile over 5m, per job and tool. */
  latency(quantile: RecordedQuantile): string {
    return this.select(this.defined('toolLatency', this.series.toolLatency)(quantile));
  }

  /** An SLO's error ratio over one window, per job and tool. */
  sloErrorRatio(window: SloWindow, slo: SloKind): string {
    return this.select(this.defined('sloErrorRatio', this.series.sloErrorRatio)(window), slo);
  }

  /**
   * The handshake success ratio recorded per job and transport, recombined over the selected jobs per
   * transport, weighted by each job's handshake rate (the group's successes / handshakes).
   */
  handshakeSuccess(transportLabel: string): string {
    const handshakes = this.perJob('handshakeRate');
    return ratio(sumBy([transportLabel], `${this.perJob('handshakeSuccessRatio')} * ${handshakes}`), sumBy([transportLabel], handshakes));
  }

  /**
   * A per-call ratio recorded per job and tool, recombined for the whole selection or per tool:
   * ratio × calls summed over the group / calls of the group, i.e. the group's failures / calls over
   * the same 5m window (not a mean of ratios).
   */
  perCall(key: 'toolServerErrorRatio' | 'toolValidationErrorRatio' | 'toolCallerErrorRatio', over: 'selection' | 'tool'): string {
    const keep = over === 'tool' ? [this.toolLabel] : [];
    const calls = this.perTool('toolCallRate');
    return ratio(sumBy(keep, `${this.perTool(key)} * ${calls}`), sumBy(keep, calls));
  }
}
