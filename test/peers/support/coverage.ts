// A real Prometheus scraping one MCP server with a profile's generated rules, and what of the
// profile then has data: recording rules with data, alerts with all their inputs, dashboard panels
// with data (the queries as Grafana would send them).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProfileName } from "../../../src/catalog/index.js";
import { panelsOf, targetsOf } from "../../../src/cli/dashboards/walk.js";
import { parsePromQL, substituteGrafanaVariables } from "../../../src/cli/promql/index.js";
import { findFiles, repoRoot } from "./files.js";
import { peerBin } from "./peers.js";
import { freePort, type RunningPeer, startPeer, waitForHttp } from "./process.js";

export async function query(base: string, expr: string): Promise<unknown[]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; data?: { resultType: string; result: unknown } };
  if (body.status !== "success" || !body.data) return [];
  return body.data.resultType === "scalar" ? [body.data.result] : (body.data.result as unknown[]);
}

/** Where the server's metrics come from: a scrape of `host:port` as `job`, or pushed to Prometheus's OTLP receiver. */
export type MetricsSource = { job: string; target: string } | "otlp";

/**
 * Starts Prometheus (1 s scrape and evaluation) with the profile's rule files as generated (not the
 * drill or Mimir copies), scraping the target or receiving OTLP (`/api/v1/otlp/v1/metrics`, job and
 * instance from service.name and service.instance.id); a scrape resolves once the target is known, so
 * traffic that starts then is counted (a series' first sample is not an increase).
 */
export async function startPrometheus(work: string, profile: ProfileName, source: MetricsSource): Promise<{ peer: RunningPeer; base: string }> {
  const ruleFiles = findFiles(join(repoRoot, "alerts", profile), (p) => new RegExp(`^alerts/${profile}/[^/]+\\.rules\\.yaml$`).test(p));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = join(work, "prometheus.yml");
  writeFileSync(config, JSON.stringify({
    global: { scrape_interval: "1s", evaluation_interval: "1s" },
    rule_files: ruleFiles,
    ...(source === "otlp" ? {} : { scrape_configs: [{ job_name: source.job, static_configs: [{ targets: [source.target] }] }] }),
  }));
  const peer = startPeer(peerBin("prometheus"), [`--config.file=${config}`, `--storage.tsdb.path=${join(work, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`, ...(source === "otlp" ? ["--web.enable-otlp-receiver"] : [])]);
  await waitForHttp(peer, `${base}/-/ready`, { timeoutMs: 30_000 });
  if (source === "otlp") return { peer, base };
  await waitForHttp(peer, `${base}/api/v1/query?query=up`, { timeoutMs: 30_000, intervalMs: 250,
    ready: async (response) => ((await response.json()) as { data: { result: unknown[] } }).data.result.length > 0 });
  return { peer, base };
}

export interface Coverage {
  recording: { name: string; query: string }[];
  /** Names of the recording rules with data. */
  withData: Set<string>;
  alerts: number;
  alertsFed: number;
  /** Names of the alerts missing at least one input. */
  alertsUnfed: string[];
  panels: number;
  panelsFed: number;
  /** "dashboard / panel" titles of the panels with data. */
  fedPanels: Set<string>;
  /** ... and of those without. */
  unfedPanels: string[];
}

export async function coverage(prom: string, profile: ProfileName): Promise<Coverage> {
  const rules = ((await (await fetch(`${prom}/api/v1/rules`)).json()) as {
    data: { groups: { rules: { type: string; name: string; query: string }[] }[] };
  }).data.groups.flatMap((g) => g.rules);
  const recording = rules.filter((r) => r.type === "recording");
  const alerting = rules.filter((r) => r.type === "alerting");
  const withData = new Set<string>();
  for (const r of recording) if ((await query(prom, `count(${r.name})`)).length) withData.add(r.name);
  let alertsFed = 0;
  const alertsUnfed: string[] = [];
  for (const a of alerting) {
    const inputs = parsePromQL(a.query).metrics;
    const fed = await Promise.all(inputs.map(async (m) => (await query(prom, `count(${m})`)).length > 0));
    if (fed.every(Boolean)) alertsFed++;
    else alertsUnfed.push(a.name);
  }
  const dashboards = findFiles(join(repoRoot, "dashboards", profile), (p) => p.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(f, "utf8")) as Parameters<typeof panelsOf>[0] & { title?: string });
  const panels = dashboards.flatMap((d) => panelsOf(d).map((panel) => ({
    title: `${d.title} / ${panel.title}`,
    exprs: targetsOf({ panels: [panel] }).map((t) => t.target.expr!),
  }))).filter((p) => p.exprs.length > 0);
  const fedPanels = new Set<string>();
  const unfedPanels: string[] = [];
  let panelsFed = 0;
  for (const { title, exprs } of panels) {
    const results = await Promise.all(exprs.map((e) => query(prom, substituteGrafanaVariables(e))));
    if (results.some((r) => r.length > 0)) {
      panelsFed++;
      fedPanels.add(title);
    } else unfedPanels.push(title);
  }
  return { recording, withData, alerts: alerting.length, alertsFed, alertsUnfed, panels: panels.length, panelsFed, fedPanels, unfedPanels };
}

/** Recording rules count by the series they record: the normalisation step records some names from several spellings. */
export const coverageRow = (server: string, c: Coverage): string =>
  `| ${server} | ${c.withData.size} / ${new Set(c.recording.map((r) => r.name)).size} | ${c.alertsFed} / ${c.alerts} | ${c.panelsFed} / ${c.panels} |`;

export const COVERAGE_HEADER = "| server as exported | recording rules with data | alerts with all inputs | panels with data |\n|---|---|---|---|";

/** Alerts pending or firing, as "name state". */
export async function activeAlerts(prom: string): Promise<string[]> {
  const alerts = ((await (await fetch(`${prom}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data.alerts;
  return alerts.map((a) => `${a.labels.alertname} ${a.state}`);
}
