// Flags and environment → one validated options object; every mistake is a UsageError naming
// the flag or variable. Secrets come only from the environment, never flags (process lists and
// CI logs show flags).
import { PROFILE_NAMES, type ProfileName } from '@mcp-observability/catalog';
import { parseArgs } from 'node:util';
import { execaSync } from 'execa';
import { UsageError } from './failure.js';
import { DEFAULT_RETRY, type RetryPolicy } from './http.js';
import type { Credentials } from './redact.js';
import { DEFAULT_RULER_API_PATH } from './ruler.js';

export const PROFILES = PROFILE_NAMES;

export const HELP = `usage: mcp-observability publish [flags]

Publishes the generated dashboards and alert rules of one metric profile into an existing
Grafana (and rule stores). Every run computes a plan first and skips what is unchanged.

What to publish (default: --dashboards only)
  --dashboards            dashboards/<profile>/*.json into the Grafana folder from the config
  --grafana-alerts        alerts/<profile>/*.rules.yaml as Grafana-managed alert rules
  --ruler                 alerts/<profile>/mimir/*.yaml into a Mimir/Cortex ruler
  --rules-dir DIR         copy alerts/<profile>/*.rules.yaml into DIR (a Prometheus rule_files directory)

How
  --dry-run               print the plan (create / update with diff / unchanged) and change nothing
  --prune                 delete dashboards that carry our ownership tag, sit in our folder and are
                          no longer generated, and ruler groups of our namespace that are no longer
                          generated (nothing else is ever deleted)
  --adopt                 take over same-uid dashboards that lack our ownership tag (default: refuse)
  --editable              Grafana-managed rules stay editable in the UI (X-Disable-Provenance: true)
  --message TEXT          dashboard version message (default: "mcp-observability publish <git sha>")
  --profile NAME          prom-client (default) or otel
  --config FILE           config file (default: mcp-observability.config.yaml when present)
  --root DIR              directory holding dashboards/ and alerts/ (default: .)
  --retries N             extra attempts on 429, 5xx and timeouts, with exponential backoff (default: 3)
  --timeout SECONDS       per-request timeout (default: 30)
  -h, --help              this text

Grafana                   (for --dashboards, --grafana-alerts)
  --grafana-url URL       or GRAFANA_URL, e.g. https://grafana.example.com or http://127.0.0.1:3000
  --org-id N              or GRAFANA_ORG_ID (sends X-Grafana-Org-Id)
  GRAFANA_TOKEN           service-account token (sent as Bearer), or
  GRAFANA_USER, GRAFANA_PASSWORD   basic auth (e.g. the local stack's admin/admin)

Ruler                     (for --ruler)
  --ruler-url URL         or MIMIR_URL
  --ruler-tenant ID       or MIMIR_TENANT (sent as X-Scope-OrgID)
  --ruler-api-path PATH   default ${DEFAULT_RULER_API_PATH} (Mimir); /api/v1/rules for Cortex
  MIMIR_TOKEN, or MIMIR_USER + MIMIR_PASSWORD   optional credentials

Prometheus                (with --rules-dir)
  --prometheus-url URL    POST <url>/-/reload after copying (needs --web.enable-lifecycle)

Exit codes: 0 everything published (or planned), 1 something failed or was refused,
2 usage or configuration error (nothing was sent).`;

export interface Endpoint {
  url: string;
  credentials: Credentials;
}

export interface PublishOptions {
  profile: ProfileName;
  configFile?: string;
  root: string;
  dryRun: boolean;
  prune: boolean;
  adopt: boolean;
  editable: boolean;
  message: string;
  targets: { dashboards: boolean; grafanaAlerts: boolean; ruler: boolean; rulesDir?: string };
  grafana?: Endpoint & { orgId?: number };
  ruler?: Endpoint & { tenant?: string; apiPath: string };
  prometheusUrl?: string;
  retry: RetryPolicy;
}

export type Env = Record<string, string | undefined>;

function httpUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name}: "${value}" is not a URL (expected e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${name}: expected an http:// or https:// URL`);
  if (url.username || url.password) throw new UsageError(`${name}: put credentials in the environment variables, not in the URL`);
  return value.replace(/\/+$/, '');
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name}: expected a whole number, got "${value}"`);
  return n;
}

function credentials(env: Env, prefix: 'GRAFANA' | 'MIMIR'): Credentials {
  const token = env[`${prefix}_TOKEN`] || undefined;
  const user = env[`${prefix}_USER`] || undefined;
  const password = env[`${prefix}_PASSWORD`];
  if (token && user) throw new UsageError(`set either ${prefix}_TOKEN or ${prefix}_USER/${prefix}_PASSWORD, not both`);
  if (user && password === undefined) throw new UsageError(`${prefix}_USER is set but ${prefix}_PASSWORD is not`);
  return { token, user, password };
}

/** The commit for the dashboard version message: CI variables first, then git, else nothing. */
function gitSha(env: Env, cwd: string): string | undefined {
  const fromCi = env.GITHUB_SHA ?? env.CI_COMMIT_SHA;
  if (fromCi) return fromCi.slice(0, 12);
  const res = execaSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, reject: false });
  return res.exitCode === 0 && res.stdout ? res.stdout.trim() : undefined;
}

/** Parsed options, or 'help' when --help was asked for. */
export function parseOptions(argv: string[], env: Env, cwd = process.cwd()): PublishOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        profile: { type: 'string', default: 'prom-client' },
        config: { type: 'string' },
        root: { type: 'string', default: '.' },
        'dry-run': { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        adopt: { type: 'boolean', default: false },
        editable: { type: 'boolean', default: false },
        message: { type: 'string' },
        dashboards: { type: 'boolean', default: false },
        'grafana-alerts': { type: 'boolean', default: false },
        ruler: { type: 'boolean', default: false },
        'rules-dir': { type: 'string' },
        'prometheus-url': { type: 'string' },
        'grafana-url': { type: 'string' },
        'org-id': { type: 'string' },
        'ruler-url': { type: 'string' },
        'ruler-tenant': { type: 'string' },
        'ruler-api-path': { type: 'string', default: DEFAULT_RULER_API_PATH },
        retries: { type: 'string' },
        timeout: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (see --help)`);
  }
  if (values.help) return 'help';
  const profile = values.profile as PublishOptions['profile'];
  if (!PROFILES.includes(profile)) throw new UsageError(`--profile: expected ${PROFILES.join(' or ')}, got "${values.profile}"`);

  const rulesDir = values['rules-dir'];
  const chosen = values.dashboards || values['grafana-alerts'] || values.ruler || rulesDir !== undefined;
  const targets = { dashboards: values.dashboards || !chosen, grafanaAlerts: values['grafana-alerts'], ruler: values.ruler, rulesDir };
  if (values.prune && !targets.dashboards && !targets.ruler) throw new UsageError('--prune applies to dashboards and ruler groups: add --dashboards or --ruler');
  if (values['prometheus-url'] && rulesDir === undefined) throw new UsageError('--prometheus-url is used with --rules-dir');

  const options: PublishOptions = {
    profile,
    configFile: values.config,
    root: values.root,
    dryRun: values['dry-run'],
    prune: values.prune,
    adopt: values.adopt,
    editable: values.editable,
    message: values.message ?? ['mcp-observability publish', gitSha(env, cwd)].filter(Boolean).join(' '),
    targets,
    prometheusUrl: values['prometheus-url'] && httpUrl(values['prometheus-url'], '--prometheus-url'),
    retry: {
      ...DEFAULT_RETRY,
      attempts: positiveInt(values.retries, '--retries', DEFAULT_RETRY.attempts - 1) + 1,
      timeoutMs: positiveInt(values.timeout, '--timeout', DEFAULT_RETRY.timeoutMs / 1000) * 1000 || DEFAULT_RETRY.timeoutMs,
    },
  };

  if (targets.dashboards || targets.grafanaAlerts) {
    const url = values['grafana-url'] ?? env.GRAFANA_URL;
    if (!url) throw new UsageError('Grafana URL missing: set GRAFANA_URL or pass --grafana-url');
    const creds = credentials(env, 'GRAFANA');
    if (!creds.token && !creds.user) throw new UsageError('Grafana credentials missing: set GRAFANA_TOKEN (service account) or GRAFANA_USER and GRAFANA_PASSWORD');
    const org = values['org-id'] ?? env.GRAFANA_ORG_ID;
    const orgId = org === undefined || org === '' ? undefined : positiveInt(org, '--org-id/GRAFANA_ORG_ID', 1);
    if (orgId === 0) throw new UsageError('--org-id/GRAFANA_ORG_ID: org ids start at 1');
    options.grafana = { url: httpUrl(url, '--grafana-url/GRAFANA_URL'), credentials: creds, orgId };
  }
  if (targets.ruler) {
    const url = values['ruler-url'] ?? env.MIMIR_URL;
    if (!url) throw new UsageError('ruler URL missing: set MIMIR_URL or pass --ruler-url');
    const apiPath = values['ruler-api-path'];
    if (!apiPath.startsWith('/')) throw new UsageError('--ruler-api-path: expected a path starting with /');
    options.ruler = { url: httpUrl(url, '--ruler-url/MIMIR_URL'), credentials: credentials(env, 'MIMIR'),
      tenant: values['ruler-tenant'] ?? (env.MIMIR_TENANT || undefined), apiPath: apiPath.replace(/\/+$/, '') };
  }
  return options;
}
