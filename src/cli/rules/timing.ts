// How nominal durations become the durations written into rules. Normal rules use them as they are;
// the drill variant compresses time by one factor so a live demo sees alerts in minutes. Names of
// recorded series keep the nominal window, so dashboards read the same series in both variants.
import { formatDuration, seconds } from './duration.js';

/** Shortest range a rate may read: four samples at the drill stack's 5 s scrape interval. */
export const MIN_DRILL_WINDOW_SECONDS = 20;

export interface Timing {
  /** Label for output headers: 'normal' or 'drill ×1/15'. */
  readonly name: string;
  /** A range-vector window, SLO window or offset. */
  window(nominal: string): string;
  /** An alert's `for`. */
  hold(nominal: string): string;
}

export const NORMAL_TIMING: Timing = { name: 'normal', window: (d) => d, hold: (d) => d };

export function drillTiming(factor: number): Timing {
  if (!(factor > 0 && factor <= 1)) throw new Error(`drill factor must be in (0, 1], got ${factor}`);
  return {
    name: `drill (durations ×${factor.toPrecision(3)})`,
    window: (d) => formatDuration(Math.max(MIN_DRILL_WINDOW_SECONDS, seconds(d) * factor)),
    hold: (d) => formatDuration(seconds(d) * factor),
  };
}
