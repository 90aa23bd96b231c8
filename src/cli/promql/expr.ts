// Small typed PromQL builders, so no query is hand-concatenated twice.
import type { Matcher } from '@mcp-observability/catalog';

/** A label matcher, or a raw matcher list such as a config selector or `job=~"$job"`. */
export type MatcherLike = Matcher | string;

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function formatMatcher(m: MatcherLike): string {
  return typeof m === 'string' ? m : `${m.label}${m.op}"${escape(m.value)}"`;
}

export function selector(series: string, matchers: readonly MatcherLike[] = []): string {
  const parts = matchers.map(formatMatcher).filter((s) => s.trim() !== '');
  return parts.length ? `${series}{${parts.join(', ')}}` : series;
}

export const rate = (sel: string, window: string): string => `rate(${sel}[${window}])`;
export const increase = (sel: string, window: string): string => `increase(${sel}[${window}])`;
/** `sum_over_time` / `avg_over_time` of a selector: long windows over recorded rates. */
export const overTime = (fn: 'sum' | 'avg', sel: string, window: string): string => `${fn}_over_time(${sel}[${window}])`;

export type Aggregation = 'sum' | 'max' | 'min' | 'avg' | 'count';

/** `sum by (labels) (expr)`; no labels means a total. */
export function aggregate(op: Aggregation, by: readonly string[], expr: string): string {
  return by.length ? `${op} by (${by.join(', ')}) (${expr})` : `${op}(${expr})`;
}
export const sumBy = (by: readonly string[], expr: string): string => aggregate('sum', by, expr);

export function histogramQuantile(q: number, bucketsByLe: string): string {
  return `histogram_quantile(${q}, ${bucketsByLe})`;
}

/** Division guarded so a quiet denominator yields no sample rather than NaN or +Inf. */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator}) / (${denominator} > 0)`;
}

/** Labels in the order a grouping should list them, without duplicates. */
export function grouping(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Share of `denominator` that `numerator` makes up, 0 (not absent) where the numerator has no series
 * yet (a tool that never failed), and no sample where the denominator is 0. Both sides must carry
 * the same labels.
 */
export function ratioOrZero(numerator: string, denominator: string): string {
  return `(${numerator} or 0 * ${denominator}) / (${denominator} > 0)`;
}
