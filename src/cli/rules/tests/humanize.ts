// Prometheus's template functions for the values our tests produce, so expected descriptions are
// written as Prometheus renders them (Go %.4g, humanizeDuration, humanizePercentage).

/** Go's %.4g for values whose decimal exponent is between -4 and 3. */
export function g4(v: number): string {
  return String(Number(v.toPrecision(4)));
}

export function humanizePercentage(ratio: number): string {
  return `${g4(ratio * 100)}%`;
}

/** humanizeDuration for 0 < v < 60 s (the range our latency tests use). */
export function humanizeDuration(v: number): string {
  if (v >= 60 || v <= 0) throw new Error(`humanizeDuration: test values must be in (0, 60) s, got ${v}`);
  if (v >= 1) return `${g4(v)}s`;
  return `${g4(v * 1000)}ms`;
}
