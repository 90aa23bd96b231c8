// Test helpers: scrape /metrics and read sample values out of the Prometheus text format.

export async function scrape(base: string, accept?: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers: accept ? { accept } : {} });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Sum of the samples of `series` whose labels include every pair of `labels`; as in PromQL, `label: ''` also matches a series without the label. */
export function value(text: string, series: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([^ ]+)/.exec(line);
    if (!m || m[1] !== series) continue;
    const got = parseLabels(m[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => (got[k] ?? '') === v)) sum += Number(m[3]);
  }
  return sum;
}

/** Number of series (sample lines) of `series`. */
export function seriesCount(text: string, series: string): number {
  return text.split('\n').filter((l) => l.startsWith(`${series}{`) || l.startsWith(`${series} `)).length;
}

/** Family names announced by # TYPE lines. */
export function families(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
}
