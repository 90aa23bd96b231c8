// `mcp-observability up | check | down`: Prometheus, Alertmanager, a webhook receiver and Grafana
// (when one is installed) as processes on 127.0.0.1, loading the build's rules and dashboards and
// scraping the user's own MCP servers.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { HOST_PORT, type Config } from '../config/schema.js';
import { runCheck } from '../stack/check/index.js';
import { formatTable, passed, summary } from '../stack/check/report.js';
import { grafanaHint } from '../stack/binaries.js';
import { nativeDown, nativeUp } from '../stack/native.js';
import { stackSettings } from '../stack/settings.js';
import { readState } from '../stack/state.js';
import { UsageError } from './usage-error.js';

export const STACK_USAGE = `usage:
  mcp-observability up    [--scrape HOST:PORT[,HOST:PORT…]] [--out DIR] [--config FILE] [--drill]
  mcp-observability check [--config FILE] [--wait SECONDS]
  mcp-observability down  [--purge]
  up      starts Prometheus, Alertmanager, a webhook receiver and Grafana (when a grafana binary is installed) on
          127.0.0.1, with the rules and dashboards that \`mcp-observability build\` wrote into DIR (default: .),
          scraping your MCP servers' metrics endpoints (--scrape, else stack.scrape in the config) as job stack.job.
          --drill loads the time-compressed rules (5 s interval) to see alerts fire in minutes.
  check   every service answers, every target is up and inside the config's selector, every recording rule
          and dashboard panel returns data, Grafana (if running) has the dashboards. Exit 1 if any row fails;
          rules and panels whose signals your servers never sent are listed as "no data". --wait bounds how
          long it waits for a fresh stack's data (default 60).
  down    stops exactly the processes up started (--purge also deletes the state folder).
env: MCP_STACK_{PROMETHEUS,ALERTMANAGER,GRAFANA,WEBHOOK}_PORT, MCP_STACK_RUN_DIR (default .run),
     MCP_STACK_GRAFANA_BIN, MCP_STACK_GRAFANA_USER/PASSWORD`;

const log = (line: string) => console.log(line);

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        scrape: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, drill: { type: 'boolean', default: false },
        purge: { type: 'boolean', default: false }, wait: { type: 'string', default: '60' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message, STACK_USAGE);
  }
}

function scrapeTargets(flag: string | undefined, config: Config): string[] {
  const targets = flag === undefined ? config.stack.scrape : flag.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = targets.filter((t) => !HOST_PORT.test(t));
  if (bad.length) throw new UsageError(`--scrape: expected HOST:PORT, got ${bad.join(', ')}`, STACK_USAGE);
  if (!targets.length) {
    throw new UsageError('no MCP servers to scrape: pass --scrape HOST:PORT (your server\'s metrics port) or set stack.scrape in the config', STACK_USAGE);
  }
  return targets;
}

async function up(values: ReturnType<typeof parse>): Promise<number> {
  const config = loadConfig(values.config);
  const targets = scrapeTargets(values.scrape, config);
  const settings = stackSettings();
  const started = Date.now();
  log(`up: starting Prometheus, Alertmanager, webhook${values.drill ? ' (drill rules, 5s interval)' : ''}; state in ${settings.runDir}`);
  const state = await nativeUp({
    config, settings, root: process.cwd(), outDir: resolve(values.out ?? '.'), drill: values.drill, log,
    servers: targets.map((address) => ({ job: config.stack.job, address })),
  });
  const p = state.ports;
  log(`up: ${state.processes.length} processes running, ready in ${Math.round((Date.now() - started) / 1000)}s`);
  log(`  Prometheus    http://127.0.0.1:${p.prometheus}  (scraping ${targets.join(', ')} as job="${config.stack.job}")`);
  log(`  Alertmanager  http://127.0.0.1:${p.alertmanager}`);
  log(state.grafana ? `  Grafana       http://127.0.0.1:${p.grafana}  (login from MCP_STACK_GRAFANA_USER/PASSWORD, default admin/admin)`
    : `  Grafana       not running: ${grafanaHint()}`);
  log(`  Webhook       http://127.0.0.1:${p.webhook}/notifications  (alerts Alertmanager delivered)`);
  log('then: mcp-observability check');
  return 0;
}

async function check(values: ReturnType<typeof parse>): Promise<number> {
  const settings = stackSettings();
  const state = readState(settings.runDir);
  if (!state) throw new Error(`no stack recorded in ${settings.runDir}; start it with \`mcp-observability up --scrape HOST:PORT\``);
  const started = Date.now();
  const waitSeconds = Number(values.wait);
  if (!(waitSeconds >= 0 && waitSeconds <= 3600)) throw new UsageError(`--wait: expected seconds from 0 to 3600, got "${values.wait}"`, STACK_USAGE);
  const rows = await runCheck({ config: loadConfig(values.config), settings, state, dataTimeoutMs: waitSeconds * 1000, progress: log });
  log(`\n${formatTable(rows)}\n\n${summary(rows)} in ${Math.round((Date.now() - started) / 1000)}s`);
  return passed(rows) ? 0 : 1;
}

async function down(values: ReturnType<typeof parse>): Promise<number> {
  const settings = stackSettings();
  const state = readState(settings.runDir);
  if (!state) {
    log(`down: nothing recorded in ${settings.runDir}; the stack is not running`);
    return 0;
  }
  await nativeDown(state, settings, values.purge, log);
  log('down: done');
  return 0;
}

export async function stackCommand(command: 'up' | 'check' | 'down', argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    console.log(STACK_USAGE);
    return 0;
  }
  switch (command) {
    case 'up': return up(values);
    case 'check': return check(values);
    case 'down': return down(values);
  }
}
