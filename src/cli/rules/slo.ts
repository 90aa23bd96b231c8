// Per-tool SLOs (availability: server-caused errors; latency: calls slower than a bucket boundary)
// with multi-window multi-burn-rate alerts from the SRE workbook: page on 2 % of the budget in 1 h
// (5m/1h) or 5 % in 6 h (30m/6h), ticket on 10 % in 1 d (2h/1d) or 10 % in 3 d (6h/3d). Tools too
// quiet for ratios page, and under the traffic floor also ticket, when every call of 5m or 1h was bad.
// One alert rule per severity: a page pair and a ticket pair are one rule joined by `or`, so one
// incident is one alert per severity whichever pairs see it. No `for:`: the long window already
// holds the alert back (Sloth does the same); a `for:` would only add its length to detection.
// Every window's SLI reads the raw counters (a sum over recorded 5m rates smooths by 2.5 minutes),
// and rules read only raw series or an earlier group's records, so vmalert, which sees a record
// only after its group has run, evaluates them as Prometheus does.
import { LATENCY_BUCKETS } from '@mcp-observability/catalog';
import { increase, sumBy } from '../promql/index.js';
import { ratioOrZero } from '../promql/expr.js';
import { alertingRules } from './alert.js';
import { toolKey } from './alerts/guards.js';
import { ownToolSeries, type RuleContext } from './context.js';
import { seconds } from './duration.js';
import { NAMES, RATE_WINDOW, SLO_LABEL, SLO_NAMES, SLO_WINDOWS, type SloWindow } from './recorded.js';
import { sloTests } from './slo-tests.js';
import { humanizePercentage } from './tests/humanize.js';
import type { AlertDef, AreaRules, RecordingRule, Severity } from './types.js';

export interface BurnWindow {
  severity: Severity;
  short: SloWindow;
  long: SloWindow;
  /** Share of the period's error budget this pair spends before firing. */
  budgetShare: number;
}

export const BURN_WINDOWS: readonly BurnWindow[] = [
  { severity: 'critical', short: '5m', long: '1h', budgetShare: 0.02 },
  { severity: 'critical', short: '30m', long: '6h', budgetShare: 0.05 },
  { severity: 'warning', short: '2h', long: '1d', budgetShare: 0.1 },
  { severity: 'warning', short: '6h', long: '3d', budgetShare: 0.1 },
];

/** Windows of the low-traffic condition (page, and ticket under the floor): the page pair's, so a quiet tool that fails pages as fast as the pair could. */
export const LOW_TRAFFIC_WINDOWS: readonly SloWindow[] = ['5m', '1h'];

/** Burn-rate factor: budget share × period / long window (14.4, 6, 3, 1 for 30 d). */
export function burnFactor(w: BurnWindow, period: string): number {
  return Number(((w.budgetShare * seconds(period)) / seconds(w.long)).toFixed(4));
}

export type SloKind = keyof typeof SLO_NAMES;
export const SLO_KINDS: readonly SloKind[] = ['availability', 'latency'];

/** The SLO's numbers and its per-window PromQL, for the rules and their tests. */
export interface SloModel {
  ctx: RuleContext;
  objective: Record<SloKind, number>;
  budget(k: SloKind): number;
  /** What makes a call bad, for descriptions ("failed with server-side errors"). */
  what: Record<SloKind, string>;
  /** This profile's recorded series of SLO `k`. */
  only(k: SloKind, name: string): string;
  /** The SLI over a window, from the raw series. */
  sli(k: SloKind, w: SloWindow): string;
  alertName: Record<SloKind, string>;
}

export function sloModel(ctx: RuleContext): SloModel {
  const q = ctx.job;
  const { slo } = ctx.config;
  if (!LATENCY_BUCKETS.includes(slo.latency.thresholdSeconds as (typeof LATENCY_BUCKETS)[number])) {
    throw new Error(`slo.latency.thresholdSeconds must be a latency bucket boundary (${LATENCY_BUCKETS.join(', ')}), got ${slo.latency.thresholdSeconds}`);
  }
  const byTool = { by: ['tool'] as const };
  const objective: Record<SloKind, number> = { availability: slo.availability, latency: slo.latency.objective };
  const T = slo.latency.thresholdSeconds;
  return {
    ctx,
    objective,
    budget: (k) => Number((1 - objective[k]).toFixed(10)),
    what: { availability: 'failed with server-side errors', latency: `took longer than ${T}s` },
    only: (k, name) => ownToolSeries(ctx, name, [{ label: SLO_LABEL, op: '=', value: SLO_NAMES[k] }]),
    sli: (k, w) => {
      const win = ctx.timing.window(w);
      return k === 'availability'
        ? ratioOrZero(q.rate('toolErrors', win, { ...byTool, subset: 'serverFailed' }), q.rate('toolCalls', win, byTool))
        : `1 - (${q.fastShare('toolDuration', T, win, byTool)})`;
    },
    alertName: { availability: 'McpToolErrorBudgetBurn', latency: 'McpToolLatencyBudgetBurn' },
  };
}

export function sloArea(ctx: RuleContext): AreaRules | undefined {
  const q = ctx.job;
  if (!q.has('toolCalls', 'toolErrors', 'toolDuration')) return undefined;
  const m = sloModel(ctx);
  const { config, timing } = ctx;
  const { slo } = config;
  const byTool = { by: ['tool'] as const };
  const key = toolKey(ctx).join(', ');
  const sloLabels = (k: SloKind) => ({ [SLO_LABEL]: SLO_NAMES[k] });

  const sliRules: RecordingRule[] = SLO_KINDS.flatMap((k) => SLO_WINDOWS.map((w) => ({
    record: NAMES.sloErrorRatio(w), expr: m.sli(k, w), labels: sloLabels(k) })));
  // Reads the SLI group's records (an earlier group) only; the period ratio is inlined where reused.
  const period = (k: SloKind) => `avg_over_time(${m.only(k, NAMES.sloErrorRatio(RATE_WINDOW))}[${timing.window(slo.period)}])`;
  const budgetRules: RecordingRule[] = SLO_KINDS.flatMap((k) => [
    { record: NAMES.sloObjective, expr: `vector(${m.objective[k]})`, labels: sloLabels(k) },
    { record: NAMES.sloErrorBudget, expr: `vector(${m.budget(k)})`, labels: sloLabels(k) },
    { record: NAMES.sloInfo, expr: 'vector(1)',
      labels: { ...sloLabels(k), objective: String(m.objective[k]), period: slo.period,
        ...(k === 'latency' ? { threshold_seconds: String(slo.latency.thresholdSeconds) } : {}) } },
    { record: NAMES.sloCurrentBurnRate, expr: `${m.only(k, NAMES.sloErrorRatio(RATE_WINDOW))} / ${m.budget(k)}`, labels: sloLabels(k) },
    // Mean of the 5m ratios over the period (Sloth's approach): cheap, not weighted by traffic.
    { record: NAMES.sloPeriodErrorRatio, expr: period(k), labels: sloLabels(k) },
    { record: NAMES.sloPeriodBurnRate, expr: `${period(k)} / ${m.budget(k)}`, labels: sloLabels(k) },
    { record: NAMES.sloBudgetRemaining, expr: `1 - ${period(k)} / ${m.budget(k)}`, labels: sloLabels(k) },
  ]);

  /** Calls per second over a window, from the raw counters. */
  const callRate = (w: SloWindow) => q.rate('toolCalls', timing.window(w), byTool);
  /** Bad calls in a window, from the raw counters. */
  const badCalls = (k: SloKind, w: SloWindow): string => {
    const win = timing.window(w);
    if (k === 'availability') return sumBy(q.keep.concat(q.label('toolErrors', 'tool')), increase(q.select('toolErrors', { subset: 'serverFailed' }), win));
    const by = [...q.keep, q.label('toolDuration', 'tool')];
    const le = { label: 'le', op: '=~' as const, value: `${slo.latency.thresholdSeconds}(\\.0)?` };
    return `${sumBy(by, increase(q.select('toolDuration', { part: 'count' }), win))} - ${sumBy(by, increase(q.select('toolDuration', { part: 'bucket', extra: [le] }), win))}`;
  };
  const minBad = slo.lowTraffic.minBadCalls;
  const def = (k: SloKind): AlertDef => {
    const what = m.what[k];
    const pair = (w: BurnWindow) => {
      const factor = burnFactor(w, slo.period);
      const over = (win: SloWindow) => `${m.only(k, NAMES.sloErrorRatio(win))} > (${factor} * ${m.budget(k)})`;
      return `(\n  ${over(w.short)}\n  and on (${key})\n  ${over(w.long)}\n  and on (${key})\n  ${callRate(w.short)} >= ${config.minToolRate}\n)`;
    };
    // Every call of the window bad (the ratio is exactly 1) and at least minBadCalls of them: a quiet tool that fails outright.
    const allBad = (w: SloWindow) => `(\n  ${m.only(k, NAMES.sloErrorRatio(w))} >= 1\n  and on (${key})\n  ${badCalls(k, w)} >= ${minBad}\n)`;
    // The ticket's low-traffic condition: the same, for tools under the floor only (above it the ticket pairs speak).
    const quietAllBad = (w: SloWindow) => `(\n  ${m.only(k, NAMES.sloErrorRatio(w))} >= 1\n  and on (${key})\n  ${badCalls(k, w)} >= ${minBad}\n  and on (${key})\n  ${callRate(w)} < ${config.minToolRate}\n)`;
    const pairs = (s: Severity) => BURN_WINDOWS.filter((w) => w.severity === s);
    const describe = (s: Severity) => pairs(s).map((w) => `${burnFactor(w, slo.period)}x over ${w.short} and ${w.long}`).join(' or ');
    const lowTraffic = `every call over ${LOW_TRAFFIC_WINDOWS.join(' or ')} ${k === 'availability' ? 'failed' : 'was slow'} (at least ${minBad})`;
    return {
      name: m.alertName[k],
      summary: `An MCP tool is spending its ${k} error budget too fast.`,
      // No $value: it is a ratio over a window that straddles the fault, which engines sample one
      // point apart (Prometheus 3 ranges are left-open), so the text would differ between them.
      description: `Tool {{ $labels.${q.label('toolCalls', 'tool')} }} on job {{ $labels.job }} burns the error budget of its ${humanizePercentage(m.objective[k])} ${k} SLO (calls that ${what}) too fast. Critical: ${describe('critical')}, or ${lowTraffic}. Warning: ${describe('warning')}, or the same low-traffic condition for a tool under ${config.minToolRate} calls/s. The tool's current burn rate is recorded as ${NAMES.sloCurrentBurnRate}.`,
      doc: {
        meaning: `The tool's ${k} SLO (${humanizePercentage(m.objective[k])} over ${slo.period}; an error is a call that ${what}) burns its error budget too fast in both a short and a long window: `
          + BURN_WINDOWS.map((w) => `${burnFactor(w, slo.period)}x over ${w.short} and ${w.long} (${w.severity})`).join(', ')
          + `. One rule per severity joins its window pairs, so an incident raises one critical and at most one warning alert (Alertmanager inhibits the warning while the critical fires). `
          + `Ratios need traffic: a pair is ignored for tools below ${config.minToolRate} calls/s over its short window. `
          + `Quiet tools are covered by an absolute condition on the critical rule: at least ${minBad} calls and every call of the last ${LOW_TRAFFIC_WINDOWS.join(' or the last ')} ${k === 'availability' ? 'failed server-side' : 'slower than the threshold'}. `
          + `The warning rule holds the same condition for tools under ${config.minToolRate} calls/s over that window, where its ratio pairs are off, so a quiet tool failing outright raises the ticket with the page, ${LOW_TRAFFIC_WINDOWS[0]} into a total outage. `
          + `Trade-off: a tool with fewer than ${minBad} calls in an hour is not covered at all, one with a success (or a fast call) among its failures is only seen by the ratios once it has the traffic, and ${minBad} bad calls in a row page even if they are all the tool served that hour. `
          + `A quiet tool's ticket resolves with its page at the first good call (no ratio keeps it open, as the ticket pairs do for busy tools), so while Alertmanager inhibits it under the page it may never notify: the page is the notification, and the ticket is the record.`,
        impact: k === 'availability' ? 'Agents get failures; at this pace the month\'s error budget runs out early (critical: within days).'
          : 'Agents wait too long for this tool; at this pace the month\'s latency budget runs out early (critical: within days).',
        diagnosis: [`SLO dashboard: error ratio per window and budget remaining for the tool (${NAMES.sloBudgetRemaining}, ${NAMES.sloCurrentBurnRate}).`, k === 'availability'
          ? 'Quality dashboard: which server-side error types dominate; server logs for the tool.'
          : 'Performance dashboard: the tool\'s P95/P99 and its dependency\'s latency.', 'Check recent deploys and dependency incidents.',
          `A quiet tool (below ${config.minToolRate} calls/s) paged by the absolute condition: look at its last calls in the audit trail; ${minBad} bad calls and no good one within ${LOW_TRAFFIC_WINDOWS.join(' or ')} is an outage of that tool, whatever its volume.`],
        mitigation: ['Critical: act now (roll back, fail over, shed load); warning: plan the fix within the working day.',
          'If the objective is unrealistic for this tool, change it in the config rather than silencing the alert.',
          `For tools called too rarely to reach ${minBad} calls in an hour, add synthetic probes or lower slo.lowTraffic.minBadCalls (more pages on short bursts of failures).`],
      },
      variants: [
        { expr: [...pairs('critical').map(pair), ...LOW_TRAFFIC_WINDOWS.map(allBad)].join('\nor\n'), severity: 'critical' },
        { expr: [...pairs('warning').map(pair), ...LOW_TRAFFIC_WINDOWS.map(quietAllBad)].join('\nor\n'), severity: 'warning' },
      ],
    };
  };
  const availability = def('availability');
  const latency = def('latency');
  return {
    area: 'slo',
    groups: [
      { name: 'mcp-slo-sli', rules: sliRules },
      { name: 'mcp-slo-meta', rules: budgetRules },
      { name: 'mcp-slo-alerts', rules: [...alertingRules(availability, config), ...alertingRules(latency, config)] },
    ],
    alerts: [availability, latency],
    tests: sloTests(m, { availability, latency }),
    reads: [],
  };
}
