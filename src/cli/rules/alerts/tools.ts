// Tool alerts: latency over its per-tool threshold, server-caused error ratio, validation errors.
import { LATENCY_BUCKETS } from '@mcp-observability/catalog';
import type { MatcherLike } from '../../promql/index.js';
import { alertingRules, firing } from '../alert.js';
import { ownToolSeries, type RuleContext } from '../context.js';
import { formatDuration, seconds } from '../duration.js';
import { NAMES, RATE_WINDOW, RECORDED_QUANTILES, type RecordedQuantile } from '../recorded.js';
import { Fixtures } from '../tests/fixtures.js';
import { humanizeDuration, humanizePercentage } from '../tests/humanize.js';
import type { AlertCheck, AlertDef, AlertVariant, AreaRules, TestCase } from '../types.js';
import { bucketAbove, firesAt, quantileIn, unlistedTools, withTrafficFloor } from './guards.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** latency_rule label of the default-threshold rule (the others carry their tool's name). */
export const DEFAULT_LATENCY_RULE = 'default';
const percentile = (q: number): string => `P${Math.round(q * 100)}`;

function latencyDef(ctx: RuleContext): AlertDef {
  const { config } = ctx;
  const tool = ctx.job.label('toolDuration', 'tool');
  const latency = (q: number, m: MatcherLike[]): string => RECORDED_QUANTILES.includes(q as RecordedQuantile)
    ? ownToolSeries(ctx, NAMES.toolLatency(q as RecordedQuantile), m)
    : ctx.job.quantile(q, 'toolDuration', ctx.timing.window(RATE_WINDOW), { by: ['tool'], extra: m });
  const listed: AlertVariant[] = config.toolLatency.map((t) => ({
    expr: withTrafficFloor(ctx, `${latency(t.quantile, [{ label: tool, op: '=', value: t.tool }])} > ${t.thresholdSeconds}`),
    for: ctx.timing.hold(t.for), severity: t.severity, labels: { latency_rule: t.tool },
  }));
  const d = config.defaultToolLatency;
  const others: MatcherLike[] = config.toolLatency.length
    ? [{ label: tool, op: '!~', value: config.toolLatency.map((t) => escapeRegex(t.tool)).join('|') }] : [];
  const thresholds = [...config.toolLatency.map((t) => `${t.tool} ${percentile(t.quantile)} > ${t.thresholdSeconds}s for ${t.for}`),
    `other tools ${percentile(d.quantile)} > ${d.thresholdSeconds}s for ${d.for}`].join('; ');
  return {
    name: 'McpToolLatencyHigh',
    summary: 'An MCP tool is slower than its latency threshold.',
    description: `Tool {{ $labels.${tool} }} on job {{ $labels.job }} answers in {{ $value | humanizeDuration }} at its alerting quantile (thresholds: ${thresholds}).`,
    doc: {
      meaning: `A tool's latency quantile over ${RATE_WINDOW} has stayed above its threshold (${thresholds}); tools below ${config.minToolRate} calls/s are ignored.`,
      impact: 'Agents wait longer for this tool; they may time out, retry (adding load) or give up on the task.',
      diagnosis: ['Open the Performance dashboard and compare the tool\'s P50/P95/P99: a high P50 means every call is slow, a high P99 only means a slow tail.',
        'Check whether the tool\'s call rate rose at the same time (load) and whether its error ratio rose (timeouts).',
        'Check the tool\'s downstream dependency (API, database, file system) and the process\'s event-loop lag and CPU.'],
      mitigation: ['Scale out or reduce load (rate-limit the noisy client).', 'Fail fast on a slow dependency (timeouts, circuit breaker) instead of queueing.',
        'If the threshold is wrong for this tool, give it its own entry in toolLatency in the config.'],
    },
    variants: [...listed, {
      expr: withTrafficFloor(ctx, `${latency(d.quantile, others)} > ${d.thresholdSeconds}`),
      for: ctx.timing.hold(d.for), severity: d.severity, labels: { latency_rule: DEFAULT_LATENCY_RULE },
    }],
  };
}

function ratioDef(ctx: RuleContext, name: string, series: string, limit: { max: number; for: string }, what: string,
  doc: AlertDef['doc'], summary: string): AlertDef {
  return {
    name, summary,
    description: `{{ $value | humanizePercentage }} of calls to tool {{ $labels.${ctx.job.label('toolCalls', 'tool')} }} on job {{ $labels.job }} ${what} over ${RATE_WINDOW} (threshold ${humanizePercentage(limit.max)}).`,
    doc,
    variants: [{ expr: withTrafficFloor(ctx, `${ownToolSeries(ctx, series)} > ${limit.max}`), for: ctx.timing.hold(limit.for), severity: 'warning' }],
  };
}

export function toolsArea(ctx: RuleContext): AreaRules | undefined {
  const q = ctx.job;
  if (!q.has('toolCalls', 'toolDuration', 'toolErrors')) return undefined;
  const { config } = ctx;
  const latency = latencyDef(ctx);
  const errors = ratioDef(ctx, 'McpToolErrorRatioHigh', NAMES.toolServerErrorRatio, config.errorRatio, 'failed with server-side errors', {
    meaning: `More than ${humanizePercentage(config.errorRatio.max)} of a tool's calls failed for reasons the server is responsible for (tool errors, internal errors, timeouts; not invalid arguments or unknown tools).`,
    impact: 'Agents get failures for valid requests; tasks fail or agents retry, multiplying load.',
    diagnosis: ['Quality dashboard: error ratio by tool and error type.', 'Read the server logs and audit trail for the failing tool (error messages, stack traces).',
      'Check the tool\'s dependency health and recent deploys.'],
    mitigation: ['Roll back a bad deploy; restore or fail over the dependency.', 'Disable the tool (remove it from tools/list) if it cannot be fixed quickly.'],
  }, 'An MCP tool fails too often for server-side reasons.');
  const validation = ratioDef(ctx, 'McpToolValidationErrorsHigh', NAMES.toolValidationErrorRatio, config.validationErrorRatio,
    'were rejected for invalid arguments', {
      meaning: `More than ${humanizePercentage(config.validationErrorRatio.max)} of a tool's calls were rejected because the arguments failed the tool's input schema.`,
      impact: 'Agents waste turns and tokens on calls that cannot succeed; often the tool\'s description or schema misleads the model.',
      diagnosis: ['Quality dashboard: validation errors by tool.', 'Audit trail: which arguments fail and from which client.',
        'Compare the tool\'s input schema and description with what clients send.'],
      mitigation: ['Clarify the tool description and schema (examples, enums, required fields).', 'If one client misbehaves, contact its owner or rate-limit it.'],
    }, 'Many calls to an MCP tool are rejected for invalid arguments.');

  const fx = new Fixtures(ctx);
  const [fetchUrl, listFiles, rareTool] = unlistedTools(config, ['fetch_url', 'list_files', 'rare_tool']) as [string, string, string];
  const perStep = 60;
  const quietRate = (config.minToolRate * 60) / 2;
  const tests: TestCase[] = [];

  // Latency: the first listed tool and an unlisted tool over their thresholds; an unlisted tool
  // under the default threshold and a slow but quiet tool stay silent.
  const d = config.defaultToolLatency;
  const slowDefault = bucketAbove(d.thresholdSeconds);
  const underDefault = [...LATENCY_BUCKETS].reverse().find((b) => b <= d.thresholdSeconds) ?? LATENCY_BUCKETS[0];
  const fires: { at: number; hold: string; variant: number; tool: string; value: number }[] = [
    { at: seconds(firesAt(d.for)), hold: d.for, variant: config.toolLatency.length, tool: fetchUrl, value: quantileIn(d.quantile, slowDefault) },
  ];
  const series = [
    ...fx.toolTraffic(fetchUrl, { ok: perStep, latency: { [slowDefault.lo]: 0, [slowDefault.hi]: 1 } }),
    ...fx.toolTraffic(listFiles, { ok: perStep, latency: { [underDefault]: 1 } }),
    ...fx.toolTraffic(rareTool, { ok: quietRate, latency: { [slowDefault.lo]: 0, [slowDefault.hi]: 1 } }),
  ];
  const first = config.toolLatency[0];
  if (first) {
    const slow = bucketAbove(first.thresholdSeconds);
    series.push(...fx.toolTraffic(first.tool, { ok: perStep, latency: { [slow.lo]: 0, [slow.hi]: 1 } }));
    fires.push({ at: seconds(firesAt(first.for)), hold: first.for, variant: 0, tool: first.tool, value: quantileIn(first.quantile, slow) });
  }
  const firingAt = (t: number) => fires.filter((f) => f.at <= t).map((f) => firing(latency, config, f.variant, fx.toolKept(f.tool),
    `Tool ${f.tool} on job ${fx.scope.job} answers in ${humanizeDuration(f.value)} at its alerting quantile (thresholds: ${latency.description.split('(thresholds: ')[1]}`));
  const times = [...new Set(fires.map((f) => f.at))].sort((a, b) => a - b);
  const checks: AlertCheck[] = [{ at: formatDuration(Math.min(...fires.map((f) => seconds(f.hold)))), alert: latency.name, expect: [] },
    ...times.map((t) => ({ at: formatDuration(t), alert: latency.name, expect: firingAt(t) }))];
  tests.push({ name: 'latency over per-tool and default thresholds; under threshold and quiet tools stay silent', interval: '1m', series, alerts: checks });
  if (first) {
    tests.push({ name: `latency: a fast ${first.tool} stays silent`, interval: '1m',
      series: fx.toolTraffic(first.tool, { ok: perStep, latency: { [LATENCY_BUCKETS[0]]: 1 } }),
      alerts: [{ at: formatDuration(seconds(firesAt(first.for)) + 600), alert: latency.name, expect: [] }] });
  }

  // Ratios: a tool at twice the threshold fires; caller errors, a tool under the threshold and a quiet tool do not.
  const ratioCase = (def: AlertDef, limit: { max: number; for: string }, kind: 'server' | 'invalid', other: 'server' | 'invalid', what: string): TestCase => {
    const share = Math.min(limit.max * 2, 0.5);
    const fire = { ok: perStep * (1 - share), [kind]: perStep * share };
    return {
      name: `${def.name}: ${humanizePercentage(share)} fires; ${other} errors, ${humanizePercentage(limit.max / 2)} and a quiet tool stay silent`,
      interval: '1m',
      series: [
        ...fx.toolTraffic('search_docs', fire),
        ...fx.toolTraffic(fetchUrl, { ok: perStep * (1 - share), [other]: perStep * share }),
        ...fx.toolTraffic(listFiles, { ok: perStep * (1 - limit.max / 2), [kind]: perStep * (limit.max / 2) }),
        ...fx.toolTraffic(rareTool, { [kind]: quietRate }),
      ],
      alerts: [
        { at: limit.for, alert: def.name, expect: [] },
        { at: firesAt(limit.for), alert: def.name, expect: [firing(def, config, 0, fx.toolKept('search_docs'),
          `${humanizePercentage(share)} of calls to tool search_docs on job ${fx.scope.job} ${what} over ${RATE_WINDOW} (threshold ${humanizePercentage(limit.max)}).`)] },
      ],
    };
  };
  tests.push(ratioCase(errors, config.errorRatio, 'server', 'invalid', 'failed with server-side errors'));
  tests.push(ratioCase(validation, config.validationErrorRatio, 'invalid', 'server', 'were rejected for invalid arguments'));

  const alerts = [latency, errors, validation];
  return { area: 'tools', groups: [{ name: 'mcp-tools-alerts', rules: alerts.flatMap((a) => alertingRules(a, config)) }], alerts, tests, reads: ['recording'] };
}
