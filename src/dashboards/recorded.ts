// Recorded series (src/rules/recorded.ts) as fleet panels read them, so a panel's cost grows with
// jobs × tools instead of raw series × instances. They are aggregated per job and tool by the rules:
// panels keep the job and tool filters, but there is no instance label to match (see the lint
// exclusions of each dashboard).
import { ratio, selector, sumBy, type MatcherLike, type SignalQueries } from '../promql/index.js';
import { recordedSeries, SLO_LABEL, SLO_NAMES, type RecordedQuantile, type RecordedSeries, type SloWindow } from '../rules/recorded.js';
import { SCOPE } from './variables.js';

/** Why a panel reading recorded series skips the instance matcher (dashboard-linter exclusion reason). */
export const RECORDED_EXCLUSION_REASON = 'Reads series recorded per job and tool (src/rules/recorded.ts): they carry no instance label, ' +
  'and reading them keeps the query cheap on a large fleet.';

export type SloKind = keyof typeof SLO_NAMES;
/** Recorded series spelled as a plain name (not per quantile or window). */
type NamedSeries = { [K in keyof RecordedSeries]-?: NonNullable<RecordedSeries[K]> extends string ? K : never }[keyof RecordedSeries];

export class RecordedQueries {
  private readonly series: RecordedSeries;

  constructor(private readonly q: SignalQueries) {
    this.series = recordedSeries(q.profile);
  }

  /** The tool label of the recorded per-tool series (the profile's spelling). */
  get toolLabel(): string {
    return this.q.label('toolCalls', 'tool');
  }

  private defined<T>(key: keyof RecordedSeries, value: T | undefined): T {
    if (value === undefined) throw new Error(`recorded series ${key} is not recorded for the ${this.q.profile.name} profile; gate the panel with has()`);
    return value;
  }

  private select(name: string, slo?: SloKind): string {
    const matchers: MatcherLike[] = [SCOPE[0], { label: this.toolLabel, op: '=~', value: '$tool' }];
    if (slo) matchers.push({ label: SLO_LABEL, op: '=', value: SLO_NAMES[slo] });
    return selector(name, matchers);
  }

  /** A per-job, per-tool recorded series for the selected jobs and tools. */
  perTool(key: NamedSeries, slo?: SloKind): string {
    return this.select(this.defined(key, this.series[key]), slo);
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
   * A per-call ratio recorded per job and tool, recombined for the whole selection or per tool:
   * ratio × calls summed over the group / calls of the group, i.e. the group's failures / calls over
   * the same 5m window (not a mean of ratios).
   */
  perCall(key: 'toolServerErrorRatio' | 'toolValidationErrorRatio', over: 'selection' | 'tool'): string {
    const keep = over === 'tool' ? [this.toolLabel] : [];
    const calls = this.perTool('toolCallRate');
    return ratio(sumBy(keep, `${this.perTool(key)} * ${calls}`), sumBy(keep, calls));
  }
}
