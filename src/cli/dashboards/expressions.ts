// PromQL shapes several dashboards share, composed from SignalQueries so no metric or label is spelled here.
import type { SignalId } from '@mcp-observability/catalog';
import { grouping, increase, sumBy, type AggregateOptions, type SignalQueries } from '../promql/index.js';

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

/**
 * A target that draws nothing and reads nothing but whose exemplars are those of `raw`: Prometheus's
 * /api/v1/query_exemplars matches the expression's selectors over the panel's range and ignores `@`
 * and comparisons, while evaluation reads the Unix epoch (`@ 0`), where no block or head data lies,
 * and `< 0` drops whatever might (counts are never negative). A separate target, not `line or ...`:
 * Prometheus 2.42 evaluates that `or` about ten times slower than either side alone.
 */
export const exemplarsOf = (raw: string): string => `${raw} @ 0 < 0`;
