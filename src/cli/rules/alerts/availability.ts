// Availability alerts: a scrape target down, or no MCP server metrics at all (nothing scraped,
// wrong selector). `up` is the one series Prometheus itself writes; "no metrics" is judged by the
// profile's presence signal, which a server of any language exports (not one runtime's metrics).
import { aggregate, selector } from '../../promql/index.js';
import { alertingRules, firing } from '../alert.js';
import type { RuleContext } from '../context.js';
import { Fixtures, gauge } from '../tests/fixtures.js';
import type { AlertDef, AreaRules } from '../types.js';
import { firesAt } from './guards.js';

/** Prometheus's per-target scrape health series (not exported by the server, so not in the catalogue). */
export const SCRAPE_HEALTH_SERIES = 'up';
const FOR = '5m';

export function availabilityArea(ctx: RuleContext): AreaRules | undefined {
  const { config } = ctx;
  const q = ctx.instance;
  const fx = new Fixtures(ctx);
  const up = selector(SCRAPE_HEALTH_SERIES, [config.selector]);
  const down: AlertDef = {
    name: 'McpTargetDown',
    summary: 'Prometheus cannot scrape an MCP server.',
    description: 'Scraping {{ $labels.instance }} (job {{ $labels.job }}) has failed for ' + FOR + '.',
    doc: {
      meaning: `The scrape of an MCP server's /metrics endpoint has failed (up == 0) for ${FOR}.`,
      impact: 'The process is down or unreachable; if it is only the endpoint, every other alert for it is blind.',
      diagnosis: ['Prometheus Targets page: the scrape error (connection refused, timeout, 404).', 'Is the process running? GET /health and /ready on it.',
        'stdio servers expose /metrics on --metrics-port: is it set and reachable?'],
      mitigation: ['Restart the process or fix its deployment.', 'Fix the scrape config (port, path, TLS) or network policy.'],
    },
    variants: [{ expr: `${aggregate('max', q.keep, up)} == 0`, for: ctx.timing.hold(FOR), severity: 'critical' }],
  };
  const presence = q.select('presence');
  const absent: AlertDef = {
    name: 'McpMetricsAbsent',
    summary: 'No MCP server metrics reach Prometheus.',
    // absent() carries only the selector's equality matchers: name the job when there is one.
    description: `{{ with $labels.job }}Job {{ . }}: {{ end }}No series match ${presence} for ${FOR}: no MCP server is scraped.`,
    doc: {
      meaning: `Not one series of ${q.series('presence')} matches the configured selector (${config.selector}) for ${FOR}. Every MCP server of the ${ctx.profile.name} profile exports it, whatever its language, so no server is being scraped.`,
      impact: 'All MCP alerts and dashboards are blind.',
      diagnosis: ['Prometheus Targets page: is any target of the job listed at all (service discovery)?', 'Does the selector in the config match the job labels you scrape?',
        `curl the server's /metrics and look for ${q.series('presence')}.`],
      mitigation: ['Fix service discovery or the scrape job.', 'Fix the selector in mcp-observability.config.yaml and rebuild.'],
    },
    variants: [{ expr: `absent(${presence})`, for: ctx.timing.hold(FOR), severity: 'warning' }],
  };
  const steps = 20;
  const upSeries = (value: number, instance: string) => ({ series: `${SCRAPE_HEALTH_SERIES}{${Object.entries({ ...fx.scope, instance }).map(([k, v]) => `${k}="${v}"`).join(', ')}}`, values: gauge(value, steps) });
  // absent() keeps only the selector's equality matchers as labels.
  const absentLabels = Object.fromEntries([...config.selector.matchAll(/([a-zA-Z_]\w*)\s*=\s*"([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
  return {
    area: 'availability',
    groups: [{ name: 'mcp-availability-alerts', rules: [...alertingRules(down, config), ...alertingRules(absent, config)] }],
    alerts: [down, absent],
    tests: [{
      name: 'a down target fires; an up target stays silent',
      interval: '1m',
      series: [upSeries(0, fx.scope.instance as string), upSeries(1, 'healthy:3100')],
      alerts: [
        { at: firesAt(FOR, -60), alert: down.name, expect: [] },
        { at: firesAt(FOR, 0), alert: down.name, expect: [firing(down, config, 0, fx.kept('instance'),
          `Scraping ${fx.scope.instance} (job ${fx.scope.job}) has failed for ${FOR}.`)] },
      ],
    }, {
      name: 'no presence series fires McpMetricsAbsent',
      interval: '1m',
      series: [upSeries(1, fx.scope.instance as string)],
      alerts: [{ at: firesAt(FOR, 0), alert: absent.name, expect: [firing(absent, config, 0, absentLabels,
        `${absentLabels.job ? `Job ${absentLabels.job}: ` : ''}No series match ${presence} for ${FOR}: no MCP server is scraped.`)] }],
    }, {
      name: 'presence series present: McpMetricsAbsent stays silent',
      interval: '1m',
      series: [fx.series('presence', {}, gauge(1, steps))],
      alerts: [{ at: firesAt(FOR, 0), alert: absent.name, expect: [] }],
    }],
    reads: [],
  };
}
