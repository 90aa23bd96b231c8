// `npm run check`: verifies the running stack end to end and returns one row per check.
import type { Config } from '../../config/schema.js';
import { serverJob, serverPort, type StackSettings } from '../settings.js';
import type { StackState } from '../state.js';
import { stackToken } from '../auth.js';
import { runDrills, type DrillTimeouts } from './drills.js';
import { checkEndpoint, checkGrafana, checkPanels, checkRecordingRules, checkTargets, type Progress } from './live.js';
import { dashboardFiles } from './panels.js';
import { PrometheusApi } from './prometheus-api.js';
import { probeServer } from './probes.js';
import { churnSessions } from './simulator-run.js';
import { traceDrill } from './trace-drill.js';
import { answers } from '../readiness.js';
import { DEFAULT_JAEGER_PORTS, DEFAULT_VICTORIALOGS_PORT, JAEGER_HEALTH_PATH } from '../traces-logs.js';
import type { CheckRow } from './report.js';

export interface CheckOptions {
  config: Config;
  settings: StackSettings;
  state: StackState;
  root: string;
  /** Drill names to run (all by default); none outside drill mode. */
  drills?: readonly string[];
  /** How long data checks may wait for a fresh stack to fill. */
  dataTimeoutMs: number;
  drillTimeouts: DrillTimeouts;
  progress: Progress;
}

const http = (port: number) => `http://127.0.0.1:${port}`;

export async function runCheck(o: CheckOptions): Promise<CheckRow[]> {
  const { ports } = o.state;
  const prometheus = new PrometheusApi(http(ports.prometheus));
  const rows: CheckRow[] = [];
  o.progress('checking services');
  rows.push(await checkEndpoint('service', 'prometheus', `${http(ports.prometheus)}/-/ready`));
  rows.push(await checkEndpoint('service', 'alertmanager', `${http(ports.alertmanager)}/-/ready`));
  rows.push(await checkEndpoint('service', 'webhook', `${http(ports.webhook)}/health`));
  // Under compose the servers are reachable only inside their network namespace; their scrape targets vouch for them.
  if (o.state.mode === 'native') {
    for (const p of o.config.profiles) rows.push(await checkEndpoint('service', serverJob(p), `${http(serverPort(ports, p))}/health`));
  }
  if (o.state.grafana) rows.push(await checkEndpoint('service', 'grafana', `${http(ports.grafana)}/api/health`));
  if (!rows.every((r) => r.ok)) return rows;

  // The stack's simulators keep their sessions open, so handshakes and session durations only
  // appear at their start; a short run with its own sessions gives those rules and panels data.
  o.progress('opening and closing MCP sessions meanwhile (short simulator runs per server)');
  const churn = o.config.profiles.map((p) => churnSessions(o.root, `${http(serverPort(ports, p))}/mcp`));
  const probes = await Promise.all(o.config.profiles.map((p) => probeServer(`${http(serverPort(ports, p))}/mcp`)));
  try {
    await checkData(o, prometheus, rows);
  } finally {
    await Promise.all([...churn.map((c) => c.stop()), ...probes.map((p) => p.close())]);
  }
  if (o.state.drill && o.drills?.length !== 0) {
    const profile = o.config.profiles.includes('prom-client') ? 'prom-client' : 'otel';
    rows.push(...await runDrills({
      job: serverJob(profile), profile, serverUrl: http(serverPort(ports, profile)), prometheus,
      alertmanagerUrl: http(ports.alertmanager), webhookUrl: http(ports.webhook), root: o.root, config: o.config,
    }, o.drillTimeouts, o.progress, o.drills));
  } else if (!o.state.drill) {
    o.progress('drills skipped: the stack runs the real rules (start it with `npm run up -- --drill` for drills)');
  }
  rows.push(...await runTraceDrill(o));
  return rows;
}

/** The exemplar → Jaeger → VictoriaLogs drill, when Jaeger and VictoriaLogs run beside the stack (docs/tracing.md). */
async function runTraceDrill(o: CheckOptions): Promise<CheckRow[]> {
  const jaegerUrl = http(DEFAULT_JAEGER_PORTS.query);
  const victoriaLogsUrl = http(DEFAULT_VICTORIALOGS_PORT);
  if (!(await answers(`${http(DEFAULT_JAEGER_PORTS.health)}${JAEGER_HEALTH_PATH}`) && await answers(`${victoriaLogsUrl}/health`))) {
    o.progress('trace drill skipped: Jaeger and VictoriaLogs are not running (npm run traces-logs; docs/tracing.md)');
    return [];
  }
  const profile = o.config.profiles.includes('prom-client') ? 'prom-client' : 'otel';
  const { rows } = await traceDrill({
    serverUrl: http(serverPort(o.state.ports, profile)), authToken: stackToken('stack-check', 600), profile, job: serverJob(profile),
    prometheusUrl: http(o.state.ports.prometheus), jaegerUrl, victoriaLogsUrl,
  }, { slowMs: 1_500, stepTimeoutMs: 60_000, progress: o.progress });
  return rows;
}

async function checkData(o: CheckOptions, prometheus: PrometheusApi, rows: CheckRow[]): Promise<void> {
  const { ports } = o.state;
  o.progress('checking scrape targets');
  const jobs = ['prometheus', 'alertmanager', ...(o.state.grafana ? ['grafana'] : []), ...o.config.profiles.map(serverJob)];
  rows.push(...await checkTargets(prometheus, jobs, o.dataTimeoutMs, o.progress));
  o.progress('checking recording rules');
  rows.push(...await checkRecordingRules(prometheus, o.dataTimeoutMs, o.progress));
  o.progress('checking dashboard panels');
  rows.push(...await checkPanels(prometheus, o.root, 600, o.dataTimeoutMs, o.progress));
  if (o.state.grafana) {
    o.progress('checking Grafana provisioning');
    rows.push(...await checkGrafana({
      base: http(ports.grafana), user: o.settings.grafanaUser, password: o.settings.grafanaPassword,
      datasourceUid: o.config.grafana.datasourceUid, folderUid: o.config.grafana.folderUid,
      dashboards: dashboardFiles(o.root).length,
    }, o.dataTimeoutMs, o.progress));
  }
}
