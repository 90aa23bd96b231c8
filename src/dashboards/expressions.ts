// PromQL shapes several dashboards share, composed from SignalQueries so no metric or label is spelled here.
import type { SignalId } from '../catalog/index.js';
import { grouping, increase, ratioOrZero, sumBy, type AggregateOptions, type SignalQueries } from '../promql/index.js';

/** Grafana's rate window: at least four scrape intervals, so rates never go blank (dashboard-linter's target-rate-interval-rule). */
export const RATE_INTERVAL = '$__rate_interval';
/** The dashboard's whole time range, for totals and shares over what the user is looking at. */
export const RANGE = '$__range';
/** The same range in seconds, as a number. */
export const RANGE_SECONDS = '$__range_s';

/** `sum by (keep, roles) (increase(signal[window]))`: totals over a range (rates are for per-second views). */
export function sumIncrease(q: SignalQueries, id: SignalId, window: string, opts: AggregateOptions = {}): string {
  return sumBy(grouping(q.keep, q.labels(id, opts.by)), increase(q.select(id, opts), window));
}

/** One minus a failure ratio (`ratioOrZero`: a group with calls but no failure series reads 0 failures): success ratios. */
export const successRatio = (failures: string, calls: string): string => `1 - ${ratioOrZero(failures, calls)}`;

/**
 * `line or (raw @ 0 < 0)`: draws `line` (cheap, e.g. a recorded quantile) while Grafana's exemplar
 * request for the same expression finds the exemplars of `raw`: Prometheus's /api/v1/query_exemplars
 * matches the expression's selectors over the panel's range and ignores `@` and comparisons.
 * Evaluated, `raw @ 0` reads the Unix epoch, where no block or head data lies, and `< 0` drops
 * whatever might (counts are never negative), so the raw side adds neither cost nor series.
 */
export const withExemplarsOf = (line: string, raw: string): string => `${line} or (${raw} @ 0 < 0)`;
