// Alerts on MCP resources (resources/read): the server-caused error ratio per resource, and reads
// far above a resource's baseline (resource-anomaly.ts).
import type { Role } from '@mcp-observability/catalog';
import { ratio } from '../../promql/index.js';
import { alertingRules, firing } from '../alert.js';
import type { RuleContext } from '../context.js';
import { RATE_WINDOW } from '../recorded.js';
import { counter, Fixtures } from '../tests/fixtures.js';
import { humanizePercentage } from '../tests/humanize.js';
import type { AlertDef, AreaRules, InputSeries, TestCase } from '../types.js';
import { firesAt } from './guards.js';
import { resourceAnomaly } from './resource-anomaly.js';

/** Reads per step of the test traffic. */
const PER_STEP = 60;

export function contentArea(ctx: RuleContext): AreaRules | undefined {
  const q = ctx.job;
  if (!q.has('resourceReads')) return undefined;
  const { config } = ctx;
  const limit = config.resourceErrorRatio;
  const reads = q.spelling('resourceReads');
  // The otel conventions keep mcp.resource.uri off metrics (opt-in): there the ratio is per job.
  const byResource = reads.labels.resource !== undefined;
  const by: Role[] = byResource ? ['resource'] : [];
  const w = ctx.timing.window(RATE_WINDOW);
  const all = q.rate('resourceReads', w, { by });
  const keep = [...q.keep, ...q.labels('resourceReads', by)].join(', ');
  const which = byResource ? ` of {{ $labels.${q.label('resourceReads', 'resource')} }}` : '';
  const def: AlertDef = {
    name: 'McpResourceErrorRatioHigh',
    summary: 'Reading an MCP resource fails too often for server-side reasons.',
    description: `{{ $value | humanizePercentage }} of resource reads${which} on job {{ $labels.job }} failed with server-side errors over ${RATE_WINDOW} (threshold ${humanizePercentage(limit.max)}).`,
    doc: {
      meaning: `More than ${humanizePercentage(limit.max)} of resources/read requests${byResource ? ' of one resource (registered URI or URI template)' : ''} failed for reasons the server is responsible for, for ${limit.for}; ` +
        `unknown URIs (not found) do not count, and resources read less than ${limit.minRate} times per second are ignored. ` +
        'The default 5 % matches the tool error ratio: a resource is context an agent cannot do without, so a few failures in a hundred already derail tasks.',
      impact: 'Agents lose the context the resource carries: answers get worse, or agents fall back to tools and spend more turns and tokens.',
      diagnosis: ['Quality dashboard, Resource access row: reads and error ratio by resource, response sizes.',
        'Server logs: the resources/read lines with error codes (-32603 internal error) and messages.',
        'Check the store behind the resource (file system, database, API) and recent deploys.'],
      mitigation: ['Restore or fail over the backing store; roll back a bad deploy.',
        'Stop listing the resource (resources/list) until it can be read again.',
        `If the resource fails by design for some URIs, answer those with -32002 (not found); if the threshold is wrong, set resourceErrorRatio in the config.`],
    },
    variants: [{
      expr: `${ratio(q.rate('resourceReads', w, { by, subset: 'serverFailed' }), all)} > ${limit.max}\nand on (${keep})\n${all} >= ${limit.minRate}`,
      for: ctx.timing.hold(limit.for), severity: 'warning',
    }],
  };

  const fx = new Fixtures(ctx);
  const page = 'docs://pages/{id}';
  /** One resource's read series: ok, server errors and not-found answers per step. */
  const traffic = (resource: string, t: { ok?: number; error?: number; notFound?: number }): InputSeries[] => {
    const roles = byResource ? { resource } : {};
    // prom-client: a status label; otel: error.type on failed reads only (the JSON-RPC code).
    const status = (s: string, code: string) => (reads.labels.outcome ? { outcome: s } : s === 'ok' ? {} : { errorType: code });
    return ([['ok', t.ok, ''], ['error', t.error, '-32603'], ['not_found', t.notFound, '-32002']] as const)
      .filter(([, n]) => n)
      .map(([s, n, code]) => fx.series('resourceReads', { ...roles, ...status(s, code) }, counter(n!)));
  };
  const share = Math.min(limit.max * 2, 0.5);
  const quiet = (limit.minRate * 60) / 2;
  const silentAt = firesAt(limit.for, 600);
  const tests: TestCase[] = [{
    name: `${def.name}: server errors at ${humanizePercentage(share)} fire`,
    interval: '1m',
    series: traffic(page, { ok: PER_STEP * (1 - share), error: PER_STEP * share }),
    alerts: [
      { at: limit.for, alert: def.name, expect: [] },
      { at: firesAt(limit.for), alert: def.name, expect: [firing(def, config, 0,
        fx.kept('job', byResource ? { [q.label('resourceReads', 'resource')]: page } : {}),
        `${humanizePercentage(share)} of resource reads${byResource ? ` of ${page}` : ''} on job ${fx.scope.job} failed with server-side errors over ${RATE_WINDOW} (threshold ${humanizePercentage(limit.max)}).`)] },
    ],
  }, {
    name: `${def.name}: unknown URIs (not found) at ${humanizePercentage(share)} stay silent`,
    interval: '1m',
    series: traffic(page, { ok: PER_STEP * (1 - share), notFound: PER_STEP * share }),
    alerts: [{ at: silentAt, alert: def.name, expect: [] }],
  }, {
    name: `${def.name}: server errors at ${humanizePercentage(limit.max / 2)} stay silent`,
    interval: '1m',
    series: traffic(page, { ok: PER_STEP * (1 - limit.max / 2), error: PER_STEP * (limit.max / 2) }),
    alerts: [{ at: silentAt, alert: def.name, expect: [] }],
  }, {
    name: `${def.name}: a resource read too rarely to judge stays silent`,
    interval: '1m',
    series: traffic(page, { error: quiet }),
    alerts: [{ at: silentAt, alert: def.name, expect: [] }],
  }];
  const anomaly = resourceAnomaly(ctx);
  const alerts = anomaly ? [def, anomaly.def] : [def];
  return {
    area: 'content',
    groups: [...(anomaly?.groups ?? []), { name: 'mcp-content-alerts', rules: alerts.flatMap((a) => alertingRules(a, config)) }],
    alerts,
    tests: anomaly ? [...tests, anomaly.test] : tests,
    reads: anomaly ? ['recording'] : [],
  };
}
