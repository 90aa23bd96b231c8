// Call-volume anomaly detection per tool (GitLab-style z-score against a rolling baseline), with
// guards against alert fatigue: the z-score must agree with a ratio to the mean and an absolute
// floor, the baseline must be half full (warm-up), and the condition must hold for a while.
// A spike of mostly failing calls is reported as a retry loop instead of a volume anomaly.
import { alertingRules, firing } from './alert.js';
import { toolKey } from './alerts/guards.js';
import { ownToolSeries, type RuleContext } from './context.js';
import { formatDuration, seconds } from './duration.js';
import { NAMES } from './recorded.js';
import { Fixtures } from './tests/fixtures.js';
import type { AlertDef, AreaRules, InputSeries, RecordingRule } from './types.js';

/** Floor of the baseline stddev (calls/s), so a perfectly flat tool does not divide by zero. */
export const MIN_STDDEV = 0.01;
/** Share of failed calls above which a volume spike counts as a retry loop. */
export const RETRY_LOOP_ERROR_RATIO = 0.5;

/**
 * The baseline records of a rate: its mean and stddev over `window`, and its z-score. The z-score
 * inlines the baseline rather than read the two records beside it: a rule reading its own group's
 * records sees them one evaluation late on vmalert.
 */
export function zScoreBaseline(rate: string, window: string, names: { mean: string; stddev: string; zScore: string }): RecordingRule[] {
  const mean = `avg_over_time(${rate}[${window}])`;
  const stddev = `stddev_over_time(${rate}[${window}])`;
  return [
    { record: names.mean, expr: mean },
    { record: names.stddev, expr: stddev },
    { record: names.zScore, expr: `(${rate} - ${mean}) / clamp_min(${stddev}, ${MIN_STDDEV})` },
  ];
}

export function anomalyArea(ctx: RuleContext): AreaRules | undefined {
  const q = ctx.job;
  if (!q.has('toolCalls')) return undefined;
  const { config, timing } = ctx;
  const a = config.anomaly;
  // This profile's recorded series only: the other profile's rules write the same names.
  const own = (name: string) => ownToolSeries(ctx, name);
  const rate = own(NAMES.toolCallRate);
  const key = toolKey(ctx).join(', ');
  const toolLabel = q.label('toolCalls', 'tool');
  const warmUp = formatDuration(seconds(a.baseline) / 2);
  const baseline = zScoreBaseline(rate, timing.window(a.baseline),
    { mean: NAMES.callRateBaselineMean, stddev: NAMES.callRateBaselineStddev, zScore: NAMES.callRateZScore });
  const spike = `${own(NAMES.callRateZScore)} > ${a.zScore}\nand on (${key})\n${rate} > ${a.minRate}\nand on (${key})\n(${rate} offset ${timing.window(warmUp)})`;
  const failing = `${own(NAMES.toolErrorRatio)} > ${RETRY_LOOP_ERROR_RATIO}`;
  const guards = `z-score above ${a.zScore}, call rate above ${a.minRate}/s, at least ${warmUp} of history`;
  const volume: AlertDef = {
    name: 'McpToolCallVolumeAnomaly',
    summary: 'An MCP tool is called far more than usual.',
    description: `Calls to tool {{ $labels.${toolLabel} }} on job {{ $labels.job }} are far above their ${a.baseline} baseline (${guards}, more than ${a.minRatio}x the mean).`,
    doc: {
      meaning: `The tool's call rate left its ${a.baseline} band: ${guards}, more than ${a.minRatio}x the baseline mean, for ${a.for}. Spikes made mostly of failures are reported as McpToolRetryLoopSuspected instead.`,
      impact: 'Unplanned load: a new client, an agent stuck in a loop of successful calls, or abuse. Costs (tokens, downstream quotas) rise.',
      diagnosis: ['Performance dashboard: call rate and top-tools share; which client / session drives it (logs, audit trail).',
        'Planned launch or batch job? Then it is expected: the baseline adapts within a day.'],
      mitigation: ['Rate-limit the client or session.', 'If legitimate, scale out; the alert clears as the baseline adapts.'],
    },
    variants: [{
      expr: `${spike}\nand on (${key})\n${rate} > ${a.minRatio} * ${own(NAMES.callRateBaselineMean)}\nunless on (${key})\n${failing}`,
      for: timing.hold(a.for), severity: 'warning',
    }],
  };
  const retry: AlertDef = {
    name: 'McpToolRetryLoopSuspected',
    summary: 'An MCP tool gets a spike of mostly failing calls: an agent is probably retrying in a loop.',
    description: `Tool {{ $labels.${toolLabel} }} on job {{ $labels.job }}: call volume spiked (${guards}) while more than ${RETRY_LOOP_ERROR_RATIO * 100}% of calls fail.`,
    doc: {
      meaning: `The tool's call rate left its ${a.baseline} band (${guards}) and more than ${RETRY_LOOP_ERROR_RATIO * 100} % of the calls fail, for ${a.for}: the signature of an agent retrying a failing call.`,
      impact: 'Tokens and money burn on calls that cannot succeed; the failing dependency gets hammered.',
      diagnosis: ['Quality dashboard: error types of the tool; audit trail: the same session repeating the same arguments.', 'Why does the call fail (see McpToolErrorRatioHigh / validation errors)?'],
      mitigation: ['Rate-limit or disconnect the looping session.', 'Return errors that tell the agent not to retry (clear isError text).', 'Fix the underlying failure.'],
    },
    variants: [{ expr: `${spike}\nand on (${key})\n${failing}`, for: timing.hold(a.for), severity: 'warning' }],
  };

  // Test: one baseline window plus two hours of per-minute counters with a daily wave and seeded
  // noise; at the end a 20-minute spike on search_docs (volume), fetch_url (failing: retry loop)
  // and new_tool (no history: warm-up keeps it silent); list_files only has noise and never alerts.
  const fx = new Fixtures(ctx);
  const SEGMENT = 10;
  const minutes = Math.ceil(seconds(a.baseline) / 60 / SEGMENT) * SEGMENT + 120;
  const spikeAt = minutes - 60;
  const spikeEnd = spikeAt + 20;
  let seed = 42;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
  const base = Array.from({ length: minutes / SEGMENT }, (_, i) => 60 * (1 + 0.2 * Math.sin((2 * Math.PI * i * SEGMENT) / 1440)) * (1 + noise()));
  const inSpike = (i: number) => i * SEGMENT >= spikeAt && i * SEGMENT < spikeEnd;
  // Counter in promtool's expanding notation, one `start+rate x(n-1)` run per 10-minute segment; `_` before `from`.
  const counterOf = (perMinute: (i: number) => number, from = 0): string => {
    let c = 0;
    const runs: string[] = from ? [`_x${from - 1}`] : [];
    for (let i = from / SEGMENT; i < minutes / SEGMENT; i++) {
      const r = Number(perMinute(i).toFixed(2));
      runs.push(`${Number(c.toFixed(2))}+${r}x${SEGMENT - 1}`);
      c += r * SEGMENT;
    }
    return runs.join(' ');
  };
  const newFrom = spikeAt - 120;
  const calls = (tool: string, perMinute: (i: number) => number, outcome: 'ok' | 'server', from = 0): InputSeries[] =>
    fx.toolTraffic(tool, { [outcome]: 1, steps: 1 }).map((s) => ({ ...s, values: counterOf(perMinute, from) }));
  const series = [
    ...calls('search_docs', (i) => (base[i] as number) * (inSpike(i) ? 5 : 1), 'ok'),
    ...calls('fetch_url', (i) => base[i] as number, 'ok'),
    ...calls('fetch_url', (i) => (inSpike(i) ? 400 : 0.5), 'server'),
    ...calls('list_files', (i) => base[i] as number, 'ok'),
    ...calls('new_tool', (i) => (base[i] as number) * (inSpike(i) ? 5 : 1), 'ok', newFrom),
  ];
  const at = (m: number) => formatDuration(m * 60);
  const holdMinutes = seconds(a.for) / 60;
  const fires = (d: AlertDef, tool: string, text: string) => firing(d, config, 0, fx.toolKept(tool), text);
  const volumeText = (tool: string) => `Calls to tool ${tool} on job ${fx.scope.job} are far above their ${a.baseline} baseline (${guards}, more than ${a.minRatio}x the mean).`;
  const retryText = (tool: string) => `Tool ${tool} on job ${fx.scope.job}: call volume spiked (${guards}) while more than ${RETRY_LOOP_ERROR_RATIO * 100}% of calls fail.`;
  const quietTools = ['list_files', 'new_tool'].join('|');
  return {
    area: 'anomaly',
    groups: [{ name: 'mcp-anomaly-baseline', rules: baseline },
      { name: 'mcp-anomaly-alerts', rules: [...alertingRules(volume, config), ...alertingRules(retry, config)] }],
    alerts: [volume, retry],
    tests: [{
      name: 'volume spike and retry loop fire after their hold; noise and a tool without history stay silent',
      interval: '1m',
      series,
      alerts: [
        { at: at(spikeAt + holdMinutes - 1), alert: volume.name, expect: [] },
        { at: at(spikeAt + holdMinutes + 5), alert: volume.name, expect: [fires(volume, 'search_docs', volumeText('search_docs'))] },
        { at: at(spikeEnd + 30), alert: volume.name, expect: [] },
        { at: at(spikeAt + holdMinutes - 1), alert: retry.name, expect: [] },
        { at: at(spikeAt + holdMinutes + 5), alert: retry.name, expect: [fires(retry, 'fetch_url', retryText('fetch_url'))] },
      ],
      exprs: [{ at: at(minutes - 1), expr: `count_over_time(ALERTS{${toolLabel}=~"${quietTools}"}[${at(minutes)}])`, expect: [] }],
    }],
    reads: ['recording'],
  };
}
