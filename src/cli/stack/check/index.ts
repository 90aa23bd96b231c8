// `check`: verifies the running stack end to end and returns one row per check: services answer,
// every scrape target is up, the MCP servers match the rules' selector, every recording rule and
// dashboard panel returns data, and Grafana (when it runs) has the dashboards.
import type { Config } from '../../config/schema.js';
import type { StackSettings } from '../settings.js';
import type { StackState } from '../state.js';
import { checkEndpoint, checkGrafana, checkPanels, checkRecordingRules, checkSelector, checkTargets, type Progress } from './live.js';
import { dashboardFiles } from './panels.js';
import { PrometheusApi } from './prometheus-api.js';
import type { CheckRow } from './report.js';

export interface CheckOptions {
  config: Config;
  settings: StackSettings;
  state: StackState;
  /** How long data checks may wait for a fresh stack to fill. */
  dataTimeoutMs: number;
  progress: Progress;
}

const http = (port: number) => `http://127.0.0.1:${port}`;

export const prometheusApi = (state: StackState): PrometheusApi => new PrometheusApi(http(state.ports.prometheus));

/** The stack's own services answer. */
export async function checkServices(o: CheckOptions): Promise<CheckRow[]> {
  const { ports } = o.state;
  o.progress('checking services');
  const rows = [
    await checkEndpoint('service', 'prometheus', `${http(ports.prometheus)}/-/ready`),
    await checkEndpoint('service', 'alertmanager', `${http(ports.alertmanager)}/-/ready`),
    await checkEndpoint('service', 'webhook', `${http(ports.webhook)}/health`),
  ];
  if (o.state.grafana) rows.push(await checkEndpoint('service', 'grafana', `${http(ports.grafana)}/api/health`));
  return rows;
}

/** Targets up, the servers inside the selector, recording rules and panels with data, Grafana provisioned. */
export async function checkData(o: CheckOptions): Promise<CheckRow[]> {
  const prometheus = prometheusApi(o.state);
  const rows: CheckRow[] = [];
  o.progress('checking scrape targets');
  const jobs = ['prometheus', 'alertmanager', ...(o.state.grafana ? ['grafana'] : []), ...new Set(o.state.servers.map((s) => s.job))];
  rows.push(...await checkTargets(prometheus, jobs, o.dataTimeoutMs, o.progress));
  rows.push(await checkSelector(prometheus, o.config.selector, o.state.servers.length));
  o.progress('checking recording rules');
  rows.push(...await checkRecordingRules(prometheus, o.dataTimeoutMs, o.progress));
  o.progress('checking dashboard panels');
  rows.push(...await checkPanels(prometheus, o.state.outDir, 600, o.dataTimeoutMs, o.progress));
  if (o.state.grafana) {
    o.progress('checking Grafana provisioning');
    rows.push(...await checkGrafana({
      base: http(o.state.ports.grafana), user: o.settings.grafanaUser, password: o.settings.grafanaPassword,
      datasourceUid: o.config.grafana.datasourceUid, folderUid: o.config.grafana.folderUid,
      dashboards: dashboardFiles(o.state.outDir).length,
    }, o.dataTimeoutMs, o.progress));
  }
  return rows;
}

/**
 * The whole check for a stack scraping the user's servers: services, targets and the selector
 * must pass; a recording rule or panel without data is reported, not failed, since a server need
 * not send every signal the catalogue knows.
 */
export async function runCheck(o: CheckOptions): Promise<CheckRow[]> {
  const rows = await checkServices(o);
  if (!rows.every((r) => r.ok)) return rows;
  const data = await checkData(o);
  return [...rows, ...data.map((r) => (r.ok || !DATA_AREAS.has(r.area) ? r : { ...r, noData: true }))];
}

const DATA_AREAS = new Set(['recording', 'panel']);
