// `mcp-observability publish`: options → local files → plan every target → print the plan → apply the
// changes (unless --dry-run) → summary table → exit code (0 ok, 1 failures, 2 usage/config).
import { join, resolve } from 'node:path';
import { ALERTS_SUBDIRS, alertsDir, dashboardsDir, OUTPUT_LAYOUT, RULE_FILE_SUFFIX } from '@mcp-observability/catalog';
import { ConfigError, loadConfig } from '../config/load.js';
import { generatedUids, loadDashboards, planDashboards } from './dashboards.js';
import { PublishFailure, UsageError } from './failure.js';
import { GrafanaClient } from './grafana-client.js';
import { planGrafanaRules } from './grafana-rules.js';
import { HttpClient, TransportError, type RetryPolicy } from './http.js';
import { HELP, parseOptions, PROFILES, type Endpoint, type Env, type PublishOptions } from './options.js';
import { CHANGES, type PlanItem, type Target } from './plan.js';
import { listFiles, loadPrometheusRuleFiles, loadRulerFiles } from './prom-rules.js';
import { authorizationHeader, Redactor } from './redact.js';
import { planRuler } from './ruler.js';
import { planRulesDir } from './rules-dir.js';
import { formatPlan, formatSummary, type ResultRow } from './summary.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Secrets in the environment, registered before anything can be printed. */
const SECRET_VARIABLES = ['GRAFANA_TOKEN', 'GRAFANA_PASSWORD', 'MIMIR_TOKEN', 'MIMIR_PASSWORD'];

function client(endpoint: Endpoint, extraHeaders: Record<string, string>, retry: RetryPolicy, redactor: Redactor, io: Io): HttpClient {
  const auth = authorizationHeader(endpoint.credentials, redactor);
  return new HttpClient({ baseUrl: endpoint.url, headers: { ...(auth ? { Authorization: auth } : {}), ...extraHeaders }, retry, redactor,
    onRetry: (message) => io.err(`  ${message}`) });
}

/** A planning step per target; one target failing to plan does not hide the others' plans. */
interface Planner {
  target: Target;
  plan: () => Promise<PlanItem[]>;
}

function describe(err: unknown, redactor: Redactor): { message: string; fatal: boolean } {
  if (err instanceof PublishFailure) return { message: err.message, fatal: err.fatal };
  if (err instanceof TransportError) return { message: err.message, fatal: false };
  return { message: redactor.redact(err instanceof Error ? err.message : String(err)), fatal: false };
}

function planners(options: PublishOptions, io: Io, redactor: Redactor): Planner[] {
  const config = loadConfig(options.configFile);
  const root = resolve(options.root);
  const profileAlertsDir = join(root, alertsDir(options.profile));
  const list: Planner[] = [];
  // Local files are read up front: a missing build is a usage error before any request.
  if (options.grafana) {
    const grafanaHttp = client(options.grafana, options.grafana.orgId ? { 'X-Grafana-Org-Id': String(options.grafana.orgId) } : {}, options.retry, redactor, io);
    const grafana = new GrafanaClient(grafanaHttp, { orgId: options.grafana.orgId,
      credentials: options.grafana.credentials.token ? 'GRAFANA_TOKEN' : 'GRAFANA_USER/GRAFANA_PASSWORD' });
    const { folderUid, folder, tags, datasourceUid } = config.grafana;
    const dashboards = options.targets.dashboards ? loadDashboards(join(root, dashboardsDir(options.profile))) : [];
    const stillGenerated = options.prune ? generatedUids(join(root, OUTPUT_LAYOUT.dashboardsDir), PROFILES) : new Set<string>();
    const ruleFiles = options.targets.grafanaAlerts ? loadPrometheusRuleFiles(profileAlertsDir) : [];
    let healthy: Promise<void> | undefined;
    const health = () => (healthy ??= grafana.health().then(({ version }) => io.out(`Grafana ${version} at ${options.grafana!.url}`)));
    if (options.targets.dashboards) {
      list.push({ target: 'dashboard', plan: async () => {
        await health();
        return planDashboards(grafana, dashboards, { folderUid, folderTitle: folder, ownerTag: tags[0]!, message: options.message, prune: options.prune, adopt: options.adopt, generatedUids: stillGenerated });
      } });
    }
    if (options.targets.grafanaAlerts) {
      list.push({ target: 'grafana-rules', plan: async () => {
        await health();
        // Rule groups live in our folder: make sure it exists when only alerts are published.
        const folderItems: PlanItem[] = options.targets.dashboards || (await grafana.getFolder(folderUid)) ? []
          : [{ target: 'folder', name: folderUid, action: 'create', details: [`"${folder}"`], apply: () => grafana.createFolder(folderUid, folder) }];
        return [...folderItems, ...await planGrafanaRules(grafana, ruleFiles, { folderUid, datasourceUid, editable: options.editable })];
      } });
    }
  }
  if (options.ruler) {
    const ruler = options.ruler;
    const files = loadRulerFiles(join(profileAlertsDir, ALERTS_SUBDIRS.ruler));
    const http = client(ruler, ruler.tenant ? { 'X-Scope-OrgID': ruler.tenant } : {}, options.retry, redactor, io);
    list.push({ target: 'ruler', plan: () => planRuler(http, files, { apiPath: ruler.apiPath, prune: options.prune,
      credentials: ruler.credentials.token ? 'MIMIR_TOKEN' : ruler.credentials.user ? 'MIMIR_USER/MIMIR_PASSWORD' : 'MIMIR_TENANT and the ruler\'s authentication' }) });
  }
  if (options.targets.rulesDir !== undefined) {
    const files = listFiles(profileAlertsDir, RULE_FILE_SUFFIX);
    const prometheus = options.prometheusUrl ? client({ url: options.prometheusUrl, credentials: {} }, {}, options.retry, redactor, io) : undefined;
    const dir = resolve(options.targets.rulesDir);
    list.push({ target: 'rules-file', plan: async () => planRulesDir(files, dir, prometheus) });
  }
  return list;
}

function resultOf(item: PlanItem, dryRun: boolean): string {
  if (item.action === 'conflict') return `REFUSED: ${item.details[0] ?? ''}`;
  if (item.action === 'keep') return 'left alone';
  if (item.action === 'unchanged') return 'skipped';
  return dryRun ? 'planned (dry run)' : 'ok';
}

export async function publish(argv: string[], env: Env, io: Io, retryOverride?: Partial<RetryPolicy>): Promise<number> {
  const redactor = new Redactor();
  for (const name of SECRET_VARIABLES) redactor.add(env[name]);
  const safe: Io = { out: (l) => io.out(redactor.redact(l)), err: (l) => io.err(redactor.redact(l)) };

  let options: PublishOptions | 'help';
  let steps: Planner[];
  try {
    options = parseOptions(argv, env);
    if (options === 'help') {
      safe.out(HELP);
      return EXIT_OK;
    }
    if (retryOverride) options.retry = { ...options.retry, ...retryOverride };
    steps = planners(options, safe, redactor);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      safe.err(`error: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  }

  const rows: ResultRow[] = [];
  const items: PlanItem[] = [];
  let stopped = false;
  for (const step of steps) {
    if (stopped) {
      rows.push({ target: step.target, name: '(plan)', action: '-', result: 'not attempted', failed: true });
      continue;
    }
    try {
      items.push(...await step.plan());
    } catch (err) {
      const { message, fatal } = describe(err, redactor);
      rows.push({ target: step.target, name: '(plan)', action: '-', result: `FAILED: ${message}`, failed: true });
      stopped = fatal;
    }
  }

  safe.out(options.dryRun ? 'plan (dry run, nothing will be changed):' : 'plan:');
  for (const line of formatPlan(items)) safe.out(line);

  for (const item of items) {
    const row: ResultRow = { target: item.target, name: item.name, action: item.action, result: resultOf(item, options.dryRun), failed: item.action === 'conflict' };
    rows.push(row);
    if (options.dryRun || !CHANGES.has(item.action) || !item.apply) continue;
    if (stopped) {
      Object.assign(row, { result: 'not attempted', failed: true });
      continue;
    }
    try {
      await item.apply();
      safe.out(`${item.action}d ${item.target} ${item.name}`);
    } catch (err) {
      const { message, fatal } = describe(err, redactor);
      Object.assign(row, { result: `FAILED: ${message}`, failed: true });
      safe.err(`error: ${message}`);
      stopped = fatal;
    }
  }
  safe.out('');
  for (const line of formatSummary(rows)) safe.out(line);
  return rows.some((r) => r.failed) ? EXIT_FAILED : EXIT_OK;
}
