// Per-tool SLOs (availability: server-caused errors; latency: calls slower than a bucket boundary)
// with multi-window multi-burn-rate alerts from the SRE workbook: page on 2 % of the budget in 1 h
// (5m/1h) or 5 % in 6 h (30m/6h), ticket on 10 % in 1 d (2h/1d) or 10 % in 3 d (6h/3d).
// The 5m SLI reads the raw series; every longer window sums the recording group's 5m rates over the
// window (traffic-weighted, one recorded series per tool), so a 3d ratio costs the same whatever
// the number of servers. Those reads select the profile's own tool label: both profiles' rules may
// load into one Prometheus and the recorded names are shared (see recording.ts).
import { LATENCY_BUCKETS, type Matcher } from '@mcp-observability/catalog';
import { ALL_OBSERVATIONS, bucketBoundary, grouping, overTime, ratio, sumBy } from '../promql/index.js';
import { ratioOrZero } from '../promql/expr.js';
import { alertingRules, firing } from './alert.js';
import { toolKey } from './alerts/guards.js';
import { ownToolSeries, type RuleContext } from './context.js';
import { formatDuration, seconds } from './duration.js';
import { NAMES, RATE_WINDOW, SLO_LABEL, SLO_NAMES, SLO_WINDOWS, type SloWindow } from './recorded.js';
import { Fixtures, render, TEST_STEPS } from './tests/fixtures.js';
import { humanizePercentage } from './tests/humanize.js';
import type { AlertDef, AreaRules, ExpectedAlert, ExprCheck, RecordingRule, Severity, TestCase } from './types.js';

export interface BurnWindow {
  severity: Severity;
  short: SloWindow;
  long: SloWindow;
  /** Share of the period's error budget this alert spends before firing. */
  budgetShare: number;
  for: string;
}

export const BURN_WINDOWS: readonly BurnWindow[] = [
  { severity: 'critical', short: '5m', long: '1h', budgetShare: 0.02, for: '2m' },
  { severity: 'critical', short: '30m', long: '6h', budgetShare: 0.05, for: '15m' },
  { severity: 'warning', short: '2h', long: '1d', budgetShare: 0.1, for: '1h' },
  { severity: 'warning', short: '6h', long: '3d', budgetShare: 0.1, for: '3h' },
];

/** Burn-rate factor: budget share × period / long window (14.4, 6, 3, 1 for 30 d). */
export function burnFactor(w: BurnWindow, period: string): number {
  return Number(((w.budgetShare * seconds(period)) / seconds(w.long)).toFixed(4));
}

type SloKind = keyof typeof SLO_NAMES;

export function sloArea(ctx: RuleContext): AreaRules | undefined {
  const q = ctx.job;
  if (!q.has('toolCalls', 'toolErrors', 'toolDuration')) return undefined;
  const { config, timing } = ctx;
  const { slo } = config;
  if (!LATENCY_BUCKETS.includes(slo.latency.thresholdSeconds as (typeof LATENCY_BUCKETS)[number])) {
    throw new Error(`slo.latency.thresholdSeconds must be a latency bucket boundary (${LATENCY_BUCKETS.join(', ')}), got ${slo.latency.thresholdSeconds}`);
  }
  const byTool = { by: ['tool'] as const };
  const objective: Record<SloKind, number> = { availability: slo.availability, latency: slo.latency.objective };
  const budget = (k: SloKind) => Number((1 - objective[k]).toFixed(10));
  const T = slo.latency.thresholdSeconds;
  /** The SLI over a window, from the raw series (what the 5m SLI records; tests compare longer windows with it). */
  const rawSli = (k: SloKind, w: SloWindow): string => {
    const win = timing.window(w);
    return k === 'availability'
      ? ratioOrZero(q.rate('toolErrors', win, { ...byTool, subset: 'serverFailed' }), q.rate('toolCalls', win, byTool))
      : `1 - (${q.fastShare('toolDuration', T, win, byTool)})`;
  };
  /** Sum over the window of a recorded 5m rate: proportional to the window's count of calls. */
  const summed = (series: string, win: string, extra: Matcher[] = []) => overTime('sum', ownToolSeries(ctx, series, extra), win);
  const sli = (k: SloKind, w: SloWindow): string => {
    if (w === RATE_WINDOW) return rawSli(k, w);
    const win = timing.window(w);
    if (k === 'availability') return ratioOrZero(summed(NAMES.toolServerErrorRate, win), summed(NAMES.toolCallRate, win));
    const calls = (le: Matcher) => sumBy(grouping(q.keep, q.labels('toolDuration', ['tool'])), summed(NAMES.toolLatencyBuckets, win, [le]));
    return `1 - (${ratio(calls(bucketBoundary(T)), calls(ALL_OBSERVATIONS))})`;
  };
  /** Calls per second over an alert's short window: the average of the recorded 5m rate beyond 5m. */
  const callRate = (w: SloWindow): string => w === RATE_WINDOW ? q.rate('toolCalls', timing.window(w), byTool)
    : overTime('avg', ownToolSeries(ctx, NAMES.toolCallRate), timing.window(w));
  const kinds: SloKind[] = ['availability', 'latency'];
  const sliRules: RecordingRule[] = kinds.flatMap((k) => SLO_WINDOWS.map((w) => ({
    record: NAMES.sloErrorRatio(w), expr: sli(k, w), labels: { [SLO_LABEL]: SLO_NAMES[k] } })));
  /** This profile's series of SLO `k` (the other profile's rules write the same names). */
  const only = (k: SloKind, name: string) => ownToolSeries(ctx, name, [{ label: SLO_LABEL, op: '=', value: SLO_NAMES[k] }]);
  const metaRules: RecordingRule[] = kinds.flatMap((k) => [
    { record: NAMES.sloObjective, expr: `vector(${objective[k]})`, labels: { [SLO_LABEL]: SLO_NAMES[k] } },
    { record: NAMES.sloErrorBudget, expr: `vector(${budget(k)})`, labels: { [SLO_LABEL]: SLO_NAMES[k] } },
    // Mean of the 5m ratios over the period (Sloth's approach): cheap, not weighted by traffic.
    { record: NAMES.sloPeriodErrorRatio, expr: `avg_over_time(${only(k, NAMES.sloErrorRatio('5m'))}[${timing.window(slo.period)}])`,
      labels: { [SLO_LABEL]: SLO_NAMES[k] } },
    { record: NAMES.sloBudgetRemaining, expr: `1 - ${only(k, NAMES.sloPeriodErrorRatio)} / ${budget(k)}`, labels: { [SLO_LABEL]: SLO_NAMES[k] } },
  ]);
  const key = toolKey(ctx).join(', ');
  const toolLabel = q.label('toolCalls', 'tool');
  const def = (k: SloKind, name: string, what: string): AlertDef => ({
    name,
    summary: `An MCP tool is spending its ${k} error budget too fast.`,
    description: `Tool {{ $labels.${toolLabel} }} on job {{ $labels.job }}: {{ $value | humanizePercentage }} of calls ${what} over the alert's short window; at this pace the ${humanizePercentage(objective[k])} ${k} SLO's error budget burns at least burn_factor times faster than sustainable over both short_window and long_window.`,
    doc: {
      meaning: `The tool's ${k} SLO (${humanizePercentage(objective[k])} over ${slo.period}; an error is a call that ${what}) burns its error budget too fast in both a short and a long window: `
        + BURN_WINDOWS.map((w) => `${burnFactor(w, slo.period)}x over ${w.short} and ${w.long} (${w.severity})`).join(', ')
        + `. Tools below ${config.minToolRate} calls/s over the short window are ignored.`,
      impact: k === 'availability' ? 'Agents get failures; at this pace the month\'s error budget runs out early (critical: within days).'
        : 'Agents wait too long for this tool; at this pace the month\'s latency budget runs out early (critical: within days).',
      diagnosis: ['SLO dashboard: error ratio per window and budget remaining for the tool.', k === 'availability'
        ? 'Quality dashboard: which server-side error types dominate; server logs for the tool.'
        : 'Performance dashboard: the tool\'s P95/P99 and its dependency\'s latency.', 'Check recent deploys and dependency incidents.'],
      mitigation: ['Critical: act now (roll back, fail over, shed load); warning: plan the fix within the working day.',
        'If the objective is unrealistic for this tool, change it in the config rather than silencing the alert.'],
    },
    variants: BURN_WINDOWS.map((w) => {
      const factor = burnFactor(w, slo.period);
      const over = (win: SloWindow) => `${only(k, NAMES.sloErrorRatio(win))} > (${factor} * ${budget(k)})`;
      return {
        expr: `${over(w.short)}\nand on (${key})\n${over(w.long)}\nand on (${key})\n${callRate(w.short)} >= ${config.minToolRate}`,
        for: timing.hold(w.for),
        severity: w.severity,
        labels: { short_window: w.short, long_window: w.long, burn_factor: String(factor) },
      };
    }),
  });
  const availability = def('availability', 'McpToolErrorBudgetBurn', 'failed with server-side errors');
  const latency = def('latency', 'McpToolLatencyBudgetBurn', `took longer than ${slo.latency.thresholdSeconds}s`);

  // Tests: a page-level burn fires the 5m/1h rule; a ticket-level burn fires only 2h/1d after its hold;
  // a healthy tool, caller errors and a tool under the traffic floor stay silent.
  const fx = new Fixtures(ctx);
  const perStep = 60;
  const quiet = (config.minToolRate * 60) / 2;
  const page = BURN_WINDOWS[0] as BurnWindow;
  const ticket = BURN_WINDOWS[2] as BurnWindow;
  const sixHour = BURN_WINDOWS[1] as BurnWindow;
  const pageShare = burnFactor(page, slo.period) * 1.4;
  const ticketShare = (burnFactor(ticket, slo.period) + burnFactor(sixHour, slo.period)) / 2;
  const above = LATENCY_BUCKETS[LATENCY_BUCKETS.indexOf(T as (typeof LATENCY_BUCKETS)[number]) + 1] ?? 2 * T;
  const traffic = (k: SloKind, tool: string, badShare: number, rate = perStep, steps = TEST_STEPS) => k === 'availability'
    ? fx.toolTraffic(tool, { ok: rate * (1 - badShare), server: rate * badShare, steps })
    : fx.toolTraffic(tool, { ok: rate, latency: { [T]: 1 - badShare, [above]: 1 }, steps });
  const expect = (d: AlertDef, k: SloKind, variant: number, share: number, what: string): ExpectedAlert =>
    firing(d, config, variant, { ...fx.toolKept('search_docs'), [SLO_LABEL]: SLO_NAMES[k] },
      `Tool search_docs on job ${fx.scope.job}: ${humanizePercentage(share)} of calls ${what} over the alert's short window; at this pace the ${humanizePercentage(objective[k])} ${k} SLO's error budget burns at least burn_factor times faster than sustainable over both short_window and long_window.`);
  const cases = (k: SloKind, d: AlertDef, what: string): TestCase[] => {
    const eb = budget(k);
    if (pageShare * eb > 0.5) throw new Error(`slo: objective ${objective[k]} too low to build a page-level test (needs < 50 % bad calls)`);
    // the traffic floor (the recorded call rate averaged over 2h) passes with the first rate, as the ratios do
    const ticketFires = firesAt(ticket.for);
    const ticketSteps = Math.ceil(seconds(ticketFires) / 60) + 5;
    const tools = ['search_docs', 'list_files', 'rare_tool', ...(k === 'availability' ? ['fetch_url'] : [])];
    return [{
      name: `${d.name}: ${humanizePercentage(pageShare * eb)} bad calls page on the 5m/1h window; healthy and quiet tools stay silent`,
      interval: '1m',
      series: [...traffic(k, 'search_docs', pageShare * eb), ...traffic(k, 'list_files', 0), ...traffic(k, 'rare_tool', 1, quiet),
        ...(k === 'availability' ? fx.toolTraffic('fetch_url', { ok: perStep / 2, invalid: perStep / 2 }) : [])],
      alerts: [
        { at: page.for, alert: d.name, expect: [] },
        { at: firesAt(page.for), alert: d.name, expect: [expect(d, k, 0, pageShare * eb, what)] },
      ],
      exprs: [{ at: '10m', expr: `round(${only(k, NAMES.sloErrorRatio('5m'))} * 100000)`,
        // caller errors (fetch_url: invalid arguments) do not count against availability
        expect: [['search_docs', pageShare * eb], ['list_files', 0], ['rare_tool', 1], ...(k === 'availability' ? [['fetch_url', 0]] : [])].map(([tool, v]) => ({
          labels: render('', { ...fx.toolKept(tool as string), [SLO_LABEL]: SLO_NAMES[k] }),
          value: Math.round((v as number) * 100000) })) },
      // steady traffic: every longer window computed from the recorded rates equals the raw ratio
      ...SLO_WINDOWS.filter((w) => w !== RATE_WINDOW).map((w) => matchesRaw(k, w, '1h', tools))],
    }, {
      name: `${d.name}: ${humanizePercentage(ticketShare * eb)} bad calls open a ticket on 2h/1d after ${ticket.for}, never a page`,
      interval: '1m',
      series: traffic(k, 'search_docs', ticketShare * eb, perStep, ticketSteps),
      alerts: [
        { at: ticket.for, alert: d.name, expect: [] },
        { at: ticketFires, alert: d.name, expect: [expect(d, k, 2, ticketShare * eb, what)] },
      ],
    }];
  };
  /** 1 per tool where a window's SLI from the recorded rates equals the SLI computed from the raw series. */
  const matchesRaw = (k: SloKind, w: SloWindow, at: string, tools: readonly string[]): ExprCheck => ({
    at,
    expr: `abs(${only(k, NAMES.sloErrorRatio(w))} - on (${key}) (${rawSli(k, w)})) < bool 1e-9`,
    expect: tools.map((t) => ({ labels: render('', fx.toolKept(t)), value: 1 })),
  });
  // Warm-up, quiet, 20 min of 120 clean calls/min, 20 min of 30 calls/min half failing, quiet: in the
  // 1h window 300 of 3,000 calls failed. A mean of the 5m ratios would say about 25 %; weighted by
  // traffic it is 10 %, as the raw ratio. The window starts and ends in quiet minutes and the warm-up
  // keeps the counters away from 0, so neither side's rates are cut at the edges and both are exact.
  const weighted: TestCase = {
    name: 'slo:sli_error:ratio_rate1h from recorded rates is weighted by traffic: 2,400 clean calls then 300 of 600 failing give 10 %, as the raw ratio',
    interval: '1m',
    series: fx.toolTraffic('search_docs', { phases: [{ ok: 30, server: 30, steps: 10 }, { steps: 10 }, { ok: 120, steps: 20 },
      { ok: 15, server: 15, steps: 20 }, { steps: 15 }] }),
    alerts: [],
    exprs: [
      { at: '1h15m', expr: `round(${only('availability', NAMES.sloErrorRatio('1h'))} * 100000)`,
        expect: [{ labels: render('', { ...fx.toolKept('search_docs'), [SLO_LABEL]: SLO_NAMES.availability }), value: 10000 }] },
      matchesRaw('availability', '1h', '1h15m', ['search_docs']),
    ],
  };
  const firesAt = (hold: string) => formatDuration(seconds(hold) + 60);
  return {
    area: 'slo',
    groups: [
      { name: 'mcp-slo-sli', rules: sliRules },
      { name: 'mcp-slo-meta', rules: metaRules },
      { name: 'mcp-slo-alerts', rules: [...alertingRules(availability, config), ...alertingRules(latency, config)] },
    ],
    alerts: [availability, latency],
    tests: [...cases('availability', availability, 'failed with server-side errors'), weighted, ...cases('latency', latency, `took longer than ${T}s`)],
    reads: ['recording'],
  };
}
