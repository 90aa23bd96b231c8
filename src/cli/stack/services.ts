// The processes of native mode: what to run, on which port, and how to know it is ready.
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUT_LAYOUT } from '@mcp-observability/catalog';
import { alertmanagerBinary, findGrafana, prometheusBinary, type GrafanaInstall } from './binaries.js';
import { DEFAULT_JAEGER_QUERY_PORT, DEFAULT_VICTORIALOGS_PORT, PROVISIONING_DIR, PROVISIONING_ENV } from './provisioning.js';
import { PORT_ENV, type StackPorts, type StackSettings } from './settings.js';

export interface ServiceSpec {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  /** The port it listens on and the variable that moves it (for "port taken" errors). */
  port?: { number: number; env: string };
  /** GET answering 2xx once the service works; services without one count as ready while alive. */
  readyUrl?: string;
  readyTimeoutMs: number;
  /** Started only after every service of the earlier phase is ready (simulators need their server). */
  phase: 1 | 2;
}

export interface NativeLayout {
  /** Working folder of the processes. */
  root: string;
  /** The build's output folder: dashboards/, alerts/ and stack/grafana/provisioning/. */
  outDir: string;
  runDir: string;
  configDir: string;
  dataDir: string;
  logDir: string;
  webhookLog: string;
}

export function nativeLayout(root: string, outDir: string, runDir: string): NativeLayout {
  return {
    root,
    outDir,
    runDir,
    configDir: join(runDir, 'config'),
    dataDir: join(runDir, 'data'),
    logDir: join(runDir, 'logs'),
    webhookLog: join(runDir, 'webhook', 'notifications.jsonl'),
  };
}

export const local = (port: number) => `127.0.0.1:${port}`;
export const http = (port: number, path = '') => `http://${local(port)}${path}`;
const portOf = (ports: StackPorts, key: keyof StackPorts) => ({ number: ports[key], env: PORT_ENV[key].env });

/** A program of this package started as its own process: the same node, loader flags and conditions as ours. */
function ownProgram(name: string): string[] {
  const self = fileURLToPath(import.meta.url);
  return [process.execPath, ...process.execArgv, join(dirname(self), `${name}${extname(self)}`)];
}

export interface NativePlan {
  services: ServiceSpec[];
  grafana: GrafanaInstall | undefined;
}

/**
 * The stack's own services: the webhook receiver, Alertmanager, Prometheus and Grafana when one is
 * installed. Whoever runs the MCP servers (the user, or the repository's reference stack) adds theirs.
 */
export function nativePlan(settings: StackSettings, layout: NativeLayout): NativePlan {
  const { ports } = settings;
  const grafana = findGrafana();
  const services: ServiceSpec[] = [
    {
      name: 'webhook',
      argv: [...ownProgram('webhook-main'), '--port', String(ports.webhook), '--log', layout.webhookLog],
      port: portOf(ports, 'webhook'), readyUrl: http(ports.webhook, '/health'), readyTimeoutMs: 30_000, phase: 1,
    },
    {
      name: 'alertmanager',
      argv: [alertmanagerBinary(), `--config.file=${join(layout.configDir, 'alertmanager.yml')}`,
        `--storage.path=${join(layout.dataDir, 'alertmanager')}`, `--web.listen-address=${local(ports.alertmanager)}`,
        // empty: no gossip port (the default binds 0.0.0.0:9094)
        '--cluster.listen-address=', `--web.external-url=${http(ports.alertmanager)}`],
      port: portOf(ports, 'alertmanager'), readyUrl: http(ports.alertmanager, '/-/ready'), readyTimeoutMs: 30_000, phase: 1,
    },
    {
      name: 'prometheus',
      argv: [prometheusBinary(), `--config.file=${join(layout.configDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(layout.dataDir, 'prometheus')}`, `--web.listen-address=${local(ports.prometheus)}`,
        '--web.enable-lifecycle', `--web.external-url=${http(ports.prometheus)}`,
        // Keeps the trace_id exemplars of OpenMetrics scrapes (docs/tracing.md).
        '--enable-feature=exemplar-storage'],
      port: portOf(ports, 'prometheus'), readyUrl: http(ports.prometheus, '/-/ready'), readyTimeoutMs: 60_000, phase: 1,
    },
  ];
  if (grafana) services.push(grafanaService(grafana, settings, layout));
  return { services, grafana };
}

function grafanaService(grafana: GrafanaInstall, settings: StackSettings, layout: NativeLayout): ServiceSpec {
  const { ports } = settings;
  const data = join(layout.dataDir, 'grafana');
  return {
    name: 'grafana',
    argv: [grafana.bin, ...grafana.args, `--homepath=${grafana.homepath}`],
    env: {
      GF_PATHS_DATA: data,
      GF_PATHS_LOGS: join(layout.logDir, 'grafana'),
      GF_PATHS_PLUGINS: join(data, 'plugins'),
      GF_PATHS_PROVISIONING: join(layout.outDir, PROVISIONING_DIR),
      GF_SERVER_HTTP_ADDR: '127.0.0.1',
      GF_SERVER_HTTP_PORT: String(ports.grafana),
      GF_SECURITY_ADMIN_USER: settings.grafanaUser,
      GF_SECURITY_ADMIN_PASSWORD: settings.grafanaPassword,
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_NEWS_NEWS_FEED_ENABLED: 'false',
      [PROVISIONING_ENV.prometheusUrl]: http(ports.prometheus),
      [PROVISIONING_ENV.dashboardsDir]: join(layout.outDir, OUTPUT_LAYOUT.dashboardsDir),
      // Trace and log datasources: wherever the environment says Jaeger and VictoriaLogs run.
      [PROVISIONING_ENV.jaegerUrl]: process.env[PROVISIONING_ENV.jaegerUrl] ?? http(DEFAULT_JAEGER_QUERY_PORT),
      [PROVISIONING_ENV.victoriaLogsUrl]: process.env[PROVISIONING_ENV.victoriaLogsUrl] ?? http(DEFAULT_VICTORIALOGS_PORT),
    },
    port: portOf(ports, 'grafana'), readyUrl: http(ports.grafana, '/api/health'), readyTimeoutMs: 180_000, phase: 1,
  };
}
