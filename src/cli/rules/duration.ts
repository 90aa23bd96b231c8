// Prometheus durations as seconds and back, so windows can be scaled (drill) and halved (warm-up).
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const FORMAT_UNITS = ['d', 'h', 'm', 's'] as const;

export function seconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== duration) throw new Error(`not a Prometheus duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit as string] as number), 0);
}

/** Whole seconds in the largest units that divide evenly: 5400 → 1h30m, 20 → 20s. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.round(totalSeconds);
  if (rest <= 0) return '0s';
  let out = '';
  for (const unit of FORMAT_UNITS) {
    const size = UNIT_SECONDS[unit] as number;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
