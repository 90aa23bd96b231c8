// The processes of native mode: what to run, on which port, and how to know it is ready.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileName } from '../catalog/index.js';
import type { Config } from '../config/schema.js';
import { alertmanagerBinary, findGrafana, prometheusBinary, type GrafanaInstall } from './binaries.js';
import { PROVISIONING_DIR, PROVISIONING_ENV } from './provisioning.js';
import { STACK_JWT_SECRET, stackToken } from './auth.js';
import { DEFAULT_JAEGER_PORTS, DEFAULT_VICTORIALOGS_PORT } from './traces-logs.js';
import { PORT_ENV, serverJob, serverPort, STACK_IDLE_TIMEOUT_SECONDS, type StackPorts, type StackSettings } from './settings.js';

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
  root: string;
  runDir: string;
  configDir: string;
  dataDir: string;
  logDir: string;
  auditDir: string;
  webhookLog: string;
}

export function nativeLayout(root: string, runDir: string): NativeLayout {
  return {
    root,
    runDir,
    configDir: join(runDir, 'config'),
    dataDir: join(runDir, 'data'),
    logDir: join(runDir, 'logs'),
    auditDir: join(runDir, 'audit'),
    webhookLog: join(runDir, 'webhook', 'notifications.jsonl'),
  };
}

const local = (port: number) => `127.0.0.1:${port}`;
const http = (port: number, path = '') => `http://${local(port)}${path}`;
const portOf = (ports: StackPorts, key: keyof StackPorts) => ({ number: ports[key], env: PORT_ENV[key].env });

/**
 * `tsx <file> [args]` of an npm script, run as `node --import tsx <file> [args]` so the recorded
 * PID is the program itself (not an npm or tsx wrapper that would outlive a signal).
 */
export function npmScriptArgv(root: string, script: string, hint: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.[script];
  if (!command) throw new Error(`npm script "${script}" is missing from package.json: ${hint}`);
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'tsx' || !words[1]) throw new Error(`npm script "${script}" is "${command}"; the stack expects "tsx <file> [args]"`);
  return [process.execPath, '--import', 'tsx', ...words.slice(1)];
}

const SERVER_HINT = 'the reference server and simulator land with the server branch (git merge server)';

/**
 * Simulator load while the stack runs: light (the machine is shared), with some bad calls so quality
 * panels have data. The simulator runs at most an hour; `npm run up` again restarts it.
 */
export const SIMULATOR_LOAD: SimulatorLoad = { durationSeconds: 3_600, sessions: 2, rate: 4, hallucinationRate: 0.02, invalidArgsRate: 0.01 };

export interface SimulatorLoad {
  durationSeconds: number;
  sessions: number;
  rate: number;
  hallucinationRate?: number;
  invalidArgsRate?: number;
  unknownToolBurst?: number;
}

/** The simulator's bearer token (MCP_AUTH_TOKEN), valid a little beyond its run. */
export function simulatorEnv(clientId: string, load: SimulatorLoad): Record<string, string> {
  return { MCP_AUTH_TOKEN: stackToken(clientId, load.durationSeconds + 600) };
}

/** `npm run simulate` against `url` (the server's /mcp endpoint) with a given load. */
export function simulatorArgv(root: string, url: string, load: SimulatorLoad): string[] {
  const optional = (flag: string, value: number | undefined) => (value === undefined ? [] : [flag, String(value)]);
  return [...npmScriptArgv(root, 'simulate', SERVER_HINT), '--url', url, '--duration', String(load.durationSeconds),
    '--sessions', String(load.sessions), '--rate', String(load.rate),
    ...optional('--hallucination-rate', load.hallucinationRate), ...optional('--invalid-args-rate', load.invalidArgsRate),
    ...optional('--unknown-tool-burst', load.unknownToolBurst)];
}

export interface NativePlan {
  services: ServiceSpec[];
  grafana: GrafanaInstall | undefined;
}

export function nativePlan(config: Config, settings: StackSettings, layout: NativeLayout): NativePlan {
  const { ports } = settings;
  const grafana = findGrafana();
  const server = npmScriptArgv(layout.root, 'sample-server', SERVER_HINT);
  const services: ServiceSpec[] = [
    {
      name: 'webhook',
      argv: [process.execPath, '--import', 'tsx', join('scripts', 'webhook-receiver.ts'),
        '--port', String(ports.webhook), '--log', layout.webhookLog],
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
    ...config.profiles.map((profile): ServiceSpec => ({
      name: serverJob(profile),
      argv: [...server, '--transport', 'http', '--port', String(serverPort(ports, profile)), '--profile', profile,
        '--audit-file', join(layout.auditDir, `${profile}.jsonl`), '--idle-timeout', String(STACK_IDLE_TIMEOUT_SECONDS)],
      // A small heap limit, so the heap-pressure drill reaches the alert threshold with a modest allocation.
      env: { NODE_OPTIONS: '--max-old-space-size=1024', MCP_JWT_SECRET: STACK_JWT_SECRET },
      port: portOf(ports, profile === 'otel' ? 'otelServer' : 'server'),
      // /health: the instrumentation's /ready stays 503 until a first MCP session connects.
      readyUrl: http(serverPort(ports, profile), '/health'), readyTimeoutMs: 60_000, phase: 1,
    })),
    {
      name: 'prometheus',
      argv: [prometheusBinary(), `--config.file=${join(layout.configDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(layout.dataDir, 'prometheus')}`, `--web.listen-address=${local(ports.prometheus)}`,
        '--web.enable-lifecycle', `--web.external-url=${http(ports.prometheus)}`,
        // Keeps the trace_id exemplars of OpenMetrics scrapes (docs/tracing.md).
        '--enable-feature=exemplar-storage'],
      port: portOf(ports, 'prometheus'), readyUrl: http(ports.prometheus, '/-/ready'), readyTimeoutMs: 60_000, phase: 1,
    },
    ...config.profiles.map((profile): ServiceSpec => ({
      name: simulatorName(profile),
      argv: simulatorArgv(layout.root, http(serverPort(ports, profile), '/mcp'), SIMULATOR_LOAD),
      env: simulatorEnv(simulatorName(profile), SIMULATOR_LOAD),
      readyTimeoutMs: 3_000, phase: 2,
    })),
  ];
  if (grafana) services.push(grafanaService(grafana, settings, layout));
  return { services, grafana };
}

export const simulatorName = (profile: ProfileName): string => `simulator-${profile}`;

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
      GF_PATHS_PROVISIONING: join(layout.root, PROVISIONING_DIR),
      GF_SERVER_HTTP_ADDR: '127.0.0.1',
      GF_SERVER_HTTP_PORT: String(ports.grafana),
      GF_SECURITY_ADMIN_USER: settings.grafanaUser,
      GF_SECURITY_ADMIN_PASSWORD: settings.grafanaPassword,
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_NEWS_NEWS_FEED_ENABLED: 'false',
      [PROVISIONING_ENV.prometheusUrl]: http(ports.prometheus),
      [PROVISIONING_ENV.dashboardsDir]: join(layout.root, 'dashboards'),
      [PROVISIONING_ENV.jaegerUrl]: http(DEFAULT_JAEGER_PORTS.query),
      [PROVISIONING_ENV.victoriaLogsUrl]: http(DEFAULT_VICTORIALOGS_PORT),
    },
    port: portOf(ports, 'grafana'), readyUrl: http(ports.grafana, '/api/health'), readyTimeoutMs: 180_000, phase: 1,
  };
}
