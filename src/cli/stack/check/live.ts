// Checks of the running stack that need no fault: targets up, recording rules and dashboard
// panels return data, Alertmanager/webhook/Grafana answer. Data may lag a fresh `up`, so each
// check retries its failures until a bounded deadline.
import { PROBE_SERIES } from '@mcp-observability/catalog';
import { parsePromQL } from '../../promql/index.js';
import { pollUntil } from '../readiness.js';
import type { CheckRow } from './report.js';
import { getJson } from './http.js';
import { dashboardQueries } from './panels.js';
import type { PrometheusApi } from './prometheus-api.js';

export type Progress = (line: string) => void;

/** Runs `probe` over every subject, re-probing the failures until all pass or time runs out. */
async function settle<T>(subjects: readonly T[], probe: (s: T) => Promise<CheckRow>, timeoutMs: number,
  label: string, progress: Progress): Promise<CheckRow[]> {
  const rows = new Map<T, CheckRow>();
  await pollUntil(async () => {
    const pending = subjects.filter((s) => !rows.get(s)?.ok);
    // A few at a time: the machine is shared and Prometheus answers faster without a burst.
    for (let i = 0; i < pending.length; i += 4) {
      const batch = pending.slice(i, i + 4);
      const results = await Promise.all(batch.map(probe));
      batch.forEach((s, j) => rows.set(s, results[j] as CheckRow));
    }
    return subjects.every((s) => rows.get(s)?.ok) ? true : undefined;
  }, {
    timeoutMs, intervalMs: 5_000, progressEveryMs: 10_000,
    progress: (ms) => {
      const waiting = subjects.map((s) => rows.get(s)).filter((r) => r && !r.ok) as CheckRow[];
      const names = waiting.slice(0, 3).map((r) => r.subject).join('; ');
      progress(`  … ${label}: ${waiting.length} of ${subjects.length} not passing yet (${Math.round(ms / 1000)}s): ${names}${waiting.length > 3 ? '; …' : ''}`);
    },
  });
  return subjects.map((s) => rows.get(s) as CheckRow);
}

const failure = (area: string, subject: string, err: unknown): CheckRow =>
  ({ area, subject, ok: false, detail: (err as Error).message.slice(0, 160) });

export async function checkTargets(prom: PrometheusApi, expectedJobs: readonly string[], timeoutMs: number, progress: Progress): Promise<CheckRow[]> {
  return settle(expectedJobs, async (job) => {
    try {
      const targets = (await prom.targets()).filter((t) => t.labels.job === job);
      if (targets.length === 0) return { area: 'target', subject: job, ok: false, detail: 'not in Prometheus targets' };
      const down = targets.filter((t) => t.health !== 'up');
      return down.length
        ? { area: 'target', subject: job, ok: false, detail: `${down[0]?.scrapeUrl} ${down[0]?.health} ${down[0]?.lastError}` }
        : { area: 'target', subject: job, ok: true, detail: targets.map((t) => t.scrapeUrl).join(' ') };
    } catch (err) {
      return failure('target', job, err);
    }
  }, timeoutMs, 'scrape targets', progress);
}

/**
 * The scraped MCP servers carry the labels the rules select on: a job name outside `selector`
 * leaves every rule and panel empty, so say so by name instead of as a wall of empty panels.
 */
export async function checkSelector(prom: PrometheusApi, selector: string, servers: number): Promise<CheckRow> {
  const subject = `up{${selector}}`;
  try {
    const n = (await prom.instant(subject)).length;
    return { area: 'selector', subject, ok: n >= servers && n > 0,
      detail: n > 0 ? `${n} target(s) inside the selector` : 'no scraped target matches the config selector: set stack.job (or selector) so they agree' };
  } catch (err) {
    return failure('selector', subject, err);
  }
}

export async function checkRecordingRules(prom: PrometheusApi, timeoutMs: number, progress: Progress): Promise<CheckRow[]> {
  const groups = await prom.ruleGroups();
  const names = [...new Set(groups.flatMap((g) => g.rules.filter((r) => r.type === 'recording').map((r) => r.name)))].sort();
  if (names.length === 0) return [{ area: 'recording', subject: '(all)', ok: false, detail: 'Prometheus loaded no recording rules' }];
  return settle(names, async (name) => {
    try {
      const n = (await prom.instant(name)).length;
      return { area: 'recording', subject: name, ok: n > 0, detail: n > 0 ? `${n} series` : 'no samples' };
    } catch (err) {
      return failure('recording', name, err);
    }
  }, timeoutMs, 'recording rules', progress);
}

/**
 * Every panel query over the last `rangeSeconds`, as Grafana would draw it. A target that asks for
 * exemplars passes on its exemplars (an exemplar-only target draws no series of its own).
 */
export async function checkPanels(prom: PrometheusApi, root: string, rangeSeconds: number, timeoutMs: number, progress: Progress): Promise<CheckRow[]> {
  const queries = dashboardQueries(root);
  if (queries.length === 0) return [{ area: 'panel', subject: 'dashboards/', ok: false, detail: 'no panel queries found (npm run build)' }];
  return settle(queries, async (q) => {
    const subject = `${q.dashboard.replace(/^dashboards\//, '')} › ${q.panel} [${q.refId}]`;
    try {
      if (q.exemplar) {
        const n = await prom.exemplarSeries(q.expr, rangeSeconds);
        return { area: 'panel', subject, ok: n > 0, detail: n > 0 ? `${n} series with exemplars` : `no exemplars: ${q.expr.slice(0, 120)}` };
      }
      const n = await prom.rangeSeries(q.expr, rangeSeconds, 15);
      // The prober is a job of its own that a stack need not run: its panels without data are not failures.
      const probeOnly = n === 0 && parsePromQL(q.expr).metrics.every((m) => PROBE_SERIES.has(m));
      return { area: 'panel', subject, ok: n > 0, detail: n > 0 ? `${n} series` : `empty: ${q.expr.slice(0, 120)}`, ...(probeOnly ? { noData: true } : {}) };
    } catch (err) {
      return failure('panel', subject, err);
    }
  }, timeoutMs, 'dashboard panels', progress);
}

export async function checkEndpoint(area: string, subject: string, url: string): Promise<CheckRow> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return { area, subject, ok: res.ok, detail: `${url} HTTP ${res.status}` };
  } catch (err) {
    return failure(area, subject, err);
  }
}

export interface GrafanaTarget {
  base: string;
  user: string;
  password: string;
  datasourceUid: string;
  folderUid: string;
  /** How many dashboard files the provisioning should have loaded. */
  dashboards: number;
}

/** Grafana provisioned the datasource and every dashboard into the folder, and the datasource reaches Prometheus. */
export async function checkGrafana(g: GrafanaTarget, timeoutMs: number, progress: Progress): Promise<CheckRow[]> {
  const headers = { authorization: `Basic ${Buffer.from(`${g.user}:${g.password}`).toString('base64')}` };
  const get = <T>(path: string) => getJson<T>(`${g.base}${path}`, { headers });
  const probes: Record<string, () => Promise<CheckRow>> = {
    datasource: async () => {
      const ds = await get<{ uid: string; url: string }>(`/api/datasources/uid/${g.datasourceUid}`);
      const health = await get<{ status: string; message: string }>(`/api/datasources/uid/${g.datasourceUid}/health`);
      return { area: 'grafana', subject: `datasource ${ds.uid}`, ok: health.status === 'OK', detail: `${ds.url}: ${health.message}` };
    },
    dashboards: async () => {
      const found = await get<{ uid: string }[]>(`/api/search?type=dash-db&folderUIDs=${g.folderUid}&limit=5000`);
      return { area: 'grafana', subject: `folder ${g.folderUid}`, ok: found.length === g.dashboards,
        detail: `${found.length} of ${g.dashboards} dashboards provisioned` };
    },
  };
  return settle(Object.keys(probes), async (name) => {
    try {
      return await (probes[name] as () => Promise<CheckRow>)();
    } catch (err) {
      return failure('grafana', name, err);
    }
  }, timeoutMs, 'grafana provisioning', progress);
}
