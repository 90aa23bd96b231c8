// Fault drills against the running stack: inject a fault through the reference server's admin
// API (or a simulator burst), then time the alert through pending → firing → Alertmanager →
// webhook, and for the latency drill its resolution after the fault is removed.
import { getProfile, type ProfileName } from '../../catalog/index.js';
import type { Config } from '../../config/schema.js';
import { SignalQueries } from '../../promql/index.js';
import { pollUntil } from '../readiness.js';
import { runSimulator } from './simulator-run.js';
import { getJson, sendJson } from './http.js';
import { alertmanagerAlerts, type PrometheusApi } from './prometheus-api.js';
import type { CheckRow } from './report.js';
import type { AlertNotification } from '../webhook.js';
import type { Progress } from './live.js';

export interface DrillTarget {
  /** Prometheus job of the reference server the faults go to. */
  job: string;
  profile: ProfileName;
  serverUrl: string;
  prometheus: PrometheusApi;
  alertmanagerUrl: string;
  webhookUrl: string;
  root: string;
  config: Config;
}

interface Drill {
  name: string;
  /** Alerts that must fire (all of them), matched on alertname + job (+ labels). */
  alerts: readonly string[];
  labels?: Record<string, string>;
  inject(t: DrillTarget): Promise<() => Promise<void>>;
  /** Wait for the alert to resolve after the fault is removed (one drill proves the way back). */
  resolve: boolean;
}

const faults = (t: DrillTarget) => `${t.serverUrl}/admin/faults`;
const clearFaults = (t: DrillTarget) => async () => { await sendJson(faults(t), 'DELETE'); };

const MiB = 1024 * 1024;

export const DRILLS: readonly Drill[] = [
  {
    name: 'slow search_docs',
    alerts: ['McpToolLatencyHigh'],
    labels: { tool: 'search_docs' },
    resolve: true,
    async inject(t) {
      const threshold = t.config.toolLatency.find((l) => l.tool === 'search_docs')?.thresholdSeconds ?? t.config.defaultToolLatency.thresholdSeconds;
      await sendJson(faults(t), 'POST', { tool: 'search_docs', latencyMs: Math.round(threshold * 1000 * 1.5) });
      return clearFaults(t);
    },
  },
  {
    name: 'heap pressure',
    alerts: ['McpHeapNearLimit'],
    resolve: false,
    async inject(t) {
      // Allocate enough to pass the alert ratio with a margin, from what the server reports now.
      const q = new SignalQueries(getProfile(t.profile), [`job="${t.job}"`], []);
      const limit = await t.prometheus.scalar(q.gauge('heapLimit', 'max'));
      const used = await t.prometheus.scalar(q.gauge('heapUsed', 'max'));
      if (limit === undefined || used === undefined) throw new Error(`no heap metrics from ${t.job} in Prometheus`);
      const heapMb = Math.ceil(((t.config.heap.ratio + 0.03) * limit - used) / MiB);
      await sendJson(faults(t), 'POST', { heapMb });
      return clearFaults(t);
    },
  },
  {
    name: 'error burst',
    alerts: ['McpToolErrorRatioHigh', 'McpToolErrorBudgetBurn'],
    // One tool: others (fetch_url, query_db) fail now and then by design and may already burn budget.
    labels: { tool: 'search_docs' },
    resolve: false,
    async inject(t) {
      await sendJson(faults(t), 'POST', { tool: 'search_docs', errorRate: 0.6 });
      return clearFaults(t);
    },
  },
  {
    name: 'unknown-tool burst',
    alerts: ['McpToolHallucinationRateHigh'],
    resolve: false,
    async inject(t) {
      const burst = runSimulator(t.root, `${t.serverUrl}/mcp`,
        // The burst, then a sustained share of invented tool names: the alert waits `for` a while.
        { durationSeconds: 150, sessions: 2, rate: 4, unknownToolBurst: 200, hallucinationRate: 0.5 });
      return burst.stop;
    },
  },
];

interface Timeline {
  pending?: number;
  firing?: number;
  alertmanager?: number;
  webhook?: number;
  resolved?: number;
}

const secs = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(0)}s`);

function matches(labels: Record<string, string>, alert: string, job: string, extra: Record<string, string> = {}): boolean {
  return labels.alertname === alert && labels.job === job && Object.entries(extra).every(([k, v]) => labels[k] === v);
}

/** Watches every expected alert until all fired and reached the webhook, or the deadline passes. */
async function watch(drill: Drill, t: DrillTarget, since: number, timeline: Map<string, Timeline>, timeoutMs: number, progress: Progress) {
  const done = () => drill.alerts.every((a) => timeline.get(a)?.webhook !== undefined);
  await pollUntil(async () => {
    const [prom, am, hooks] = await Promise.all([
      t.prometheus.alerts(), alertmanagerAlerts(t.alertmanagerUrl), getJson<AlertNotification[]>(`${t.webhookUrl}/notifications`),
    ]);
    const now = Date.now() - since;
    for (const name of drill.alerts) {
      const tl = timeline.get(name) as Timeline;
      const p = prom.find((a) => matches(a.labels, name, t.job, drill.labels));
      if (p && tl.pending === undefined) tl.pending = now;
      if (p?.state === 'firing' && tl.firing === undefined) tl.firing = now;
      if (tl.alertmanager === undefined && am.some((a) => a.status.state === 'active' && matches(a.labels, name, t.job, drill.labels))) tl.alertmanager = now;
      if (tl.webhook === undefined && hooks.some((h) => Date.parse(h.at) >= since &&
        h.alerts.some((a) => a.status === 'firing' && matches(a.labels, name, t.job, drill.labels)))) tl.webhook = now;
    }
    return done() ? true : undefined;
  }, {
    timeoutMs, intervalMs: 1_000, progressEveryMs: 15_000,
    progress: (ms) => progress(`  … ${drill.name}: ${drill.alerts.map((a) => `${a} ${state(timeline.get(a) as Timeline)}`).join(', ')} (${Math.round(ms / 1000)}s)`),
  });
}

function state(tl: Timeline): string {
  if (tl.webhook !== undefined) return 'delivered';
  if (tl.alertmanager !== undefined) return 'in Alertmanager';
  if (tl.firing !== undefined) return 'firing';
  if (tl.pending !== undefined) return 'pending';
  return 'inactive';
}

async function waitResolved(drill: Drill, t: DrillTarget, since: number, timeline: Map<string, Timeline>, timeoutMs: number, progress: Progress) {
  await pollUntil(async () => {
    const [prom, hooks] = await Promise.all([t.prometheus.alerts(), getJson<AlertNotification[]>(`${t.webhookUrl}/notifications`)]);
    let all = true;
    for (const name of drill.alerts) {
      const tl = timeline.get(name) as Timeline;
      const resolvedHook = hooks.some((h) => Date.parse(h.at) >= since &&
        h.alerts.some((a) => a.status === 'resolved' && matches(a.labels, name, t.job, drill.labels)));
      const stillActive = prom.some((a) => matches(a.labels, name, t.job, drill.labels));
      if (resolvedHook && !stillActive && tl.resolved === undefined) tl.resolved = Date.now() - since;
      all &&= tl.resolved !== undefined;
    }
    return all ? true : undefined;
  }, {
    timeoutMs, intervalMs: 1_000, progressEveryMs: 15_000,
    progress: (ms) => progress(`  … ${drill.name}: waiting for resolution (${Math.round(ms / 1000)}s)`),
  });
}

export interface DrillTimeouts {
  fireMs: number;
  resolveMs: number;
}

/** Runs the drills one after another (faults would blur each other's signal); one row per expected alert. */
export async function runDrills(t: DrillTarget, timeouts: DrillTimeouts, progress: Progress, only?: readonly string[]): Promise<CheckRow[]> {
  const loaded = new Set((await t.prometheus.ruleGroups()).flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => r.name)));
  const rows: CheckRow[] = [];
  for (const drill of DRILLS.filter((d) => !only || only.includes(d.name))) {
    const missing = drill.alerts.filter((a) => !loaded.has(a));
    for (const a of missing) rows.push({ area: 'drill', subject: `${drill.name} → ${a}`, ok: false, detail: 'alert rule not loaded in Prometheus' });
    const expected = { ...drill, alerts: drill.alerts.filter((a) => loaded.has(a)) };
    if (expected.alerts.length === 0) continue;
    progress(`drill: ${drill.name} on ${t.job} (expecting ${expected.alerts.join(', ')})`);
    // An alert still active from an earlier drill would time nothing: let it clear first (bounded).
    const quiet = await pollUntil(async () => ((await t.prometheus.alerts())
      .some((a) => expected.alerts.some((name) => matches(a.labels, name, t.job, drill.labels))) ? undefined : true),
    { timeoutMs: timeouts.resolveMs, intervalMs: 2_000, progressEveryMs: 15_000,
      progress: (ms) => progress(`  … ${drill.name}: waiting for earlier alerts to clear (${Math.round(ms / 1000)}s)`) });
    if (!quiet) {
      rows.push({ area: 'drill', subject: drill.name, ok: false, detail: `${expected.alerts.join(', ')} still active before the fault` });
      continue;
    }
    const timeline = new Map(expected.alerts.map((a) => [a, {} as Timeline]));
    const injectedAt = Date.now();
    let clear: (() => Promise<void>) | undefined;
    try {
      clear = await drill.inject(t);
      await watch(expected, t, injectedAt, timeline, timeouts.fireMs, progress);
    } catch (err) {
      rows.push({ area: 'drill', subject: drill.name, ok: false, detail: `fault injection failed: ${(err as Error).message.slice(0, 140)}` });
    } finally {
      await clear?.();
    }
    const clearedAt = Date.now();
    if (drill.resolve && expected.alerts.every((a) => timeline.get(a)?.webhook !== undefined)) {
      await waitResolved(expected, t, clearedAt, timeline, timeouts.resolveMs, progress);
    }
    for (const name of expected.alerts) {
      const tl = timeline.get(name) as Timeline;
      const ok = tl.webhook !== undefined && (!drill.resolve || tl.resolved !== undefined);
      const resolved = drill.resolve ? `, resolved ${secs(tl.resolved)} after fault removed` : '';
      rows.push({
        area: 'drill', subject: `${drill.name} → ${name}`, ok,
        detail: `pending ${secs(tl.pending)}, firing ${secs(tl.firing)}, Alertmanager ${secs(tl.alertmanager)}, webhook ${secs(tl.webhook)}${resolved}`,
      });
    }
  }
  return rows;
}

export const DRILL_NAMES = DRILLS.map((d) => d.name);
