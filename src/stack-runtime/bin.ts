// `npm run up | down | check` of this repository: the CLI's stack plus one reference server and
// simulator per profile, fault drills and the trace drill (docker compose when an engine answers,
// native processes otherwise). Users run `mcp-observability up --scrape HOST:PORT` against their own servers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from 'mcp-observability';
import {
  formatTable, grafanaHint, passed, nativeDown, nativeUp, readState, removeState, stackSettings, summary, writeState,
  type StackSettings, type StackState,
} from 'mcp-observability/stack';
import { runReferenceCheck } from './check.js';
import { DRILL_NAMES } from './check/drills.js';
import { composeDown, composeUp, dockerEngineAnswers } from './docker.js';
import { referenceServices, referenceTargets, serverPorts, type ServerPorts } from './reference.js';

const USAGE = `usage:
  npm run up    [-- --drill]          start Prometheus, Alertmanager, Grafana, reference servers, simulators, webhook
  npm run check [-- --drills a,b | --no-drills]   verify the running stack end to end (drills need --drill mode)
  npm run down  [-- --purge]          stop what up started (--purge also deletes .run/ data and logs)
options: --config FILE (default mcp-observability.config.yaml)
env: MCP_STACK_MODE=native|compose, MCP_STACK_*_PORT, MCP_STACK_GRAFANA_USER/PASSWORD, MCP_STACK_RUN_DIR (see docs/stack.md)
drills: ${DRILL_NAMES.join(', ')}`;

const log = (line: string) => console.log(line);

function urls(state: StackState, servers: ServerPorts): string {
  const p = state.ports;
  const lines = [
    `Prometheus    http://127.0.0.1:${p.prometheus}  (alerts: /alerts, targets: /targets)`,
    `Alertmanager  http://127.0.0.1:${p.alertmanager}`,
    state.grafana ? `Grafana       http://127.0.0.1:${p.grafana}  (dashboards in the folder; login from MCP_STACK_GRAFANA_USER/PASSWORD, default admin/admin)` : `Grafana       not running: ${grafanaHint()}`,
    `MCP server    http://127.0.0.1:${servers['prom-client']}/mcp  (prom-client profile; /metrics, /admin/faults)`,
    `MCP server    http://127.0.0.1:${servers.otel}/mcp  (otel profile)`,
    `Webhook       http://127.0.0.1:${p.webhook}/notifications  (alerts Alertmanager delivered)`,
  ];
  return lines.map((l) => `  ${l}`).join('\n');
}

async function mode(): Promise<'native' | 'compose'> {
  const forced = process.env.MCP_STACK_MODE;
  if (forced === 'native' || forced === 'compose') return forced;
  if (forced) throw new Error(`MCP_STACK_MODE=${forced}: expected native or compose`);
  return (await dockerEngineAnswers()) ? 'compose' : 'native';
}

async function up(settings: StackSettings, drill: boolean, configFile: string | undefined): Promise<number> {
  const config = loadConfig(configFile);
  const root = process.cwd();
  const ports = serverPorts();
  const started = Date.now();
  if ((await mode()) === 'compose') {
    if (drill) throw new Error('--drill runs native processes only; use MCP_STACK_MODE=native npm run up -- --drill');
    log('up: Docker engine answers; starting the compose project');
    await composeUp(root);
    const state: StackState = { mode: 'compose', drill: false, startedAt: new Date().toISOString(), ports: settings.ports,
      grafana: true, webhookLog: '(inside the webhook container)', processes: [], outDir: root, servers: referenceTargets(config, ports) };
    writeState(settings.runDir, state);
    log(`up: ready in ${Math.round((Date.now() - started) / 1000)}s\n${urls(state, ports)}`);
    return 0;
  }
  log(`up: no Docker engine; starting native processes (${drill ? 'drill rules, 5s interval' : 'real rules, 15s interval'}), state in ${settings.runDir}`);
  const auditDir = join(settings.runDir, 'audit');
  mkdirSync(auditDir, { recursive: true });
  const state = await nativeUp({
    config, settings, root, outDir: root, drill, log,
    servers: referenceTargets(config, ports), extraServices: referenceServices(config, settings, ports, root, auditDir),
  });
  log(`up: ${state.processes.length} processes running, ready in ${Math.round((Date.now() - started) / 1000)}s\n${urls(state, ports)}`);
  return 0;
}

async function down(settings: StackSettings, purge: boolean): Promise<number> {
  const state = readState(settings.runDir);
  if (!state) {
    log(`down: nothing recorded in ${settings.runDir}; the stack is not running`);
    return 0;
  }
  if (state.mode === 'compose') {
    await composeDown(process.cwd(), purge);
    removeState(settings.runDir);
  } else {
    await nativeDown(state, settings, purge, log);
  }
  log('down: done');
  return 0;
}

async function check(settings: StackSettings, configFile: string | undefined, drills: string[] | undefined): Promise<number> {
  const state = readState(settings.runDir);
  if (!state) throw new Error(`no stack recorded in ${settings.runDir}; start it with \`npm run up\` (add -- --drill for fault drills)`);
  const unknown = drills?.filter((d) => !DRILL_NAMES.includes(d)) ?? [];
  if (unknown.length) throw new Error(`unknown drill(s) ${unknown.join(', ')}; drills are: ${DRILL_NAMES.join(', ')}`);
  const started = Date.now();
  const rows = await runReferenceCheck({
    config: loadConfig(configFile), settings, state, root: process.cwd(), servers: serverPorts(), drills,
    dataTimeoutMs: 120_000, drillTimeouts: { fireMs: 180_000, resolveMs: 150_000 },
    progress: log,
  });
  log(`\n${formatTable(rows)}\n\n${summary(rows)} in ${Math.round((Date.now() - started) / 1000)}s`);
  return passed(rows) ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      drill: { type: 'boolean', default: false }, purge: { type: 'boolean', default: false },
      drills: { type: 'string' }, 'no-drills': { type: 'boolean', default: false },
      config: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const settings = stackSettings();
  switch (command) {
    case 'up': return up(settings, values.drill, values.config);
    case 'down': return down(settings, values.purge);
    case 'check': return check(settings, values.config, values['no-drills'] ? [] : values.drills?.split(',').map((d) => d.trim()));
    default:
      console.error(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
