// Test helpers: scrape /metrics and read sample values out of the Prometheus text format.

export async function scrape(base: string, accept?: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers: accept ? { accept } : {} });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

export interface Sample { labels: Record<string, string>; value: number }

/** The samples of `series` in Prometheus text (HELP/TYPE lines and other series skipped). */
export function samples(text: string, series: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    // Label values are quoted and may hold '}'; an OpenMetrics exemplar after the value is ignored.
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== series) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of `series` whose labels include every pair of `labels`; as in PromQL, `label: ''` also matches a series without the label. */
export function value(text: string, series: string, labels: Record<string, string> = {}): number {
  return samples(text, series).filter((s) => Object.entries(labels).every(([k, v]) => (s.labels[k] ?? '') === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Number of series (sample lines) of `series`. */
export function seriesCount(text: string, series: string): number {
  return text.split('\n').filter((l) => l.startsWith(`${series}{`) || l.startsWith(`${series} `)).length;
}

/** Family names announced by # TYPE lines. */
export function families(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
}
