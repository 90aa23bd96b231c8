// Conditions shared by alerts: the traffic floor that keeps quiet tools from alerting on ratios of
// a handful of calls, and the time at which a held condition fires in a test.
import { LATENCY_BUCKETS } from '@mcp-observability/catalog';
import type { Config } from '../../config/schema.js';
import { ownToolSeries, type RuleContext } from '../context.js';
import { formatDuration, seconds } from '../duration.js';
import { NAMES } from '../recorded.js';

/** Labels that identify one tool's series at job level. */
export function toolKey(ctx: RuleContext): string[] {
  return [...ctx.job.keep, ctx.job.label('toolCalls', 'tool')];
}

/** `expr`, kept only for tools calling at least config.minToolRate per second. */
export function withTrafficFloor(ctx: RuleContext, expr: string): string {
  return `${expr}\nand on (${toolKey(ctx).join(', ')})\n${ownToolSeries(ctx, NAMES.toolCallRate)} >= ${ctx.config.minToolRate}`;
}

/**
 * Eval time at which an alert fires when its condition holds from `from` seconds: 60 for rates
 * (the first rate needs two 1m samples), 0 for gauges.
 */
export function firesAt(hold: string, from = 60): string {
  return formatDuration(seconds(hold) + from);
}

/** Tool names for tests that are not listed in config.toolLatency (so the default threshold applies). */
export function unlistedTools(config: Config, wanted: readonly string[]): string[] {
  const listed = new Set(config.toolLatency.map((t) => t.tool));
  return wanted.map((name) => (listed.has(name) ? `${name}_unlisted` : name));
}

/** The first latency bucket starting at or above `threshold`: calls spread in it have a P95 above the threshold. */
export function bucketAbove(threshold: number): { lo: number; hi: number } {
  const i = LATENCY_BUCKETS.findIndex((b) => b >= threshold);
  const lo = LATENCY_BUCKETS[i];
  const hi = LATENCY_BUCKETS[i + 1];
  if (lo === undefined || hi === undefined) throw new Error(`no latency bucket above ${threshold}s to build a test with`);
  return { lo, hi };
}

/** Quantile of calls spread evenly in (lo, hi], as histogram_quantile interpolates it. */
export const quantileIn = (q: number, b: { lo: number; hi: number }): number => b.lo + (b.hi - b.lo) * q;
