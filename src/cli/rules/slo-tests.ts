// promtool tests of the SLO rules. The detection test replays the issue #20 comparison with Sloth:
// three days clean at 1 call/s, then a fault, per tool (total outage for 2 h, 10x and 2x burn, a
// total outage of a tool at 0.04 calls/s). Expected alerts come from a model of the windows: at
// each checked minute the error ratio of every window is the share of bad calls in it, so each
// severity is asserted silent at the last evaluation before its theoretical time and firing at
// the first evaluation after it (within one evaluation interval). The model also computes each
// window with its oldest sample left out (Prometheus 3 range selectors are left-open) and a check
// is only written where both spellings agree.
import { Fixtures, render, type TrafficPhase } from './tests/fixtures.js';
import { firing } from './alert.js';
import { ownToolSeries } from './context.js';
import { formatDuration, seconds } from './duration.js';
import { NAMES, SLO_LABEL, SLO_NAMES, type SloWindow } from './recorded.js';
import { BURN_WINDOWS, burnFactor, LOW_TRAFFIC_WINDOWS, SLO_KINDS, type SloKind, type SloModel } from './slo.js';
import type { AlertCheck, AlertDef, ExpectedAlert, Severity, TestCase } from './types.js';

/** Minutes of clean traffic before the fault: the 3d window holds nothing else when the fault starts. */
const CLEAN_MINUTES = 3 * 24 * 60;
/** Calls per minute of a busy tool (1/s) and of the quiet one (0.04/s, under the default traffic floor of 0.05/s). */
const BUSY = 60;
const QUIET = 2.4;

export interface Scenario {
  tool: string;
  perMinute: number;
  /** Share of bad calls during the fault, as a multiple of the error budget or 1 for an outage. */
  badShare: (budget: number) => number;
  faultMinutes: number;
  label: string;
}

/** The rows of the issue's table. */
export const SCENARIOS: readonly Scenario[] = [
  { tool: 'outage_2h', perMinute: BUSY, badShare: () => 1, faultMinutes: 120, label: 'total outage for 2 h' },
  { tool: 'burn_10x', perMinute: BUSY, badShare: (b) => 10 * b, faultMinutes: 600, label: '10x burn' },
  { tool: 'burn_2x', perMinute: BUSY, badShare: (b) => 2 * b, faultMinutes: 2400, label: '2x burn' },
  { tool: 'quiet_outage', perMinute: QUIET, badShare: () => 1, faultMinutes: 120, label: 'total outage at 0.04 calls/s' },
];

type Fires = (minute: number) => boolean | undefined;

/**
 * Whether a severity's rule fires at `minute` after the fault, under both window spellings;
 * undefined where a ratio sits on its threshold or the two spellings disagree.
 */
export function modelFires(m: SloModel, k: SloKind, s: Scenario, severity: Severity): Fires {
  const { config } = m.ctx;
  const budget = m.budget(k);
  const share = s.badShare(budget);
  const min = (w: SloWindow) => seconds(w) / 60;
  // Windows and thresholds once, not per minute: the detection search evaluates thousands of minutes.
  const pairs = BURN_WINDOWS.filter((w) => w.severity === severity)
    .map((w) => ({ short: min(w.short), long: min(w.long), limit: burnFactor(w, config.slo.period) * budget }));
  const lowTraffic = severity === 'critical' ? LOW_TRAFFIC_WINDOWS.map(min) : [];
  const floorHolds = s.perMinute / 60 >= config.minToolRate;
  const variant = (dropOldest: number) => (x: number): boolean | undefined => {
    /** Share of bad calls among the increments of (x - minutes + dropOldest, x]. */
    const ratio = (minutes: number) => {
      const from = x - minutes + dropOldest;
      return (share * Math.max(0, Math.min(x, s.faultMinutes) - Math.max(from, 0))) / (x - from);
    };
    let unsure = false;
    const above = (v: number, limit: number) => {
      if (Math.abs(v - limit) < 1e-9 * Math.max(1, limit)) unsure = true;
      return v > limit;
    };
    const pairFires = floorHolds && pairs.some((w) => above(ratio(w.short), w.limit) && above(ratio(w.long), w.limit));
    const allBad = lowTraffic.some((w) => ratio(w) >= 1 - 1e-12 && share * s.perMinute * (w - dropOldest) >= config.slo.lowTraffic.minBadCalls);
    return unsure ? undefined : pairFires || allBad;
  };
  const closed = variant(0);
  const leftOpen = variant(1);
  return (x) => {
    const a = closed(x);
    const b = leftOpen(x);
    return a === undefined || b === undefined || a !== b ? undefined : a;
  };
}

/** First minute at which `fires` holds under every spelling, and the last minute before it where it does not. */
function detection(fires: Fires, horizon: number): { silent: number; firing: number } | undefined {
  let lastQuiet = 0;
  for (let x = 1; x <= horizon; x++) {
    const f = fires(x);
    if (f === false) lastQuiet = x;
    if (f === true) return { silent: lastQuiet, firing: x };
  }
  return undefined;
}

export function sloTests(m: SloModel, defs: Record<SloKind, AlertDef>): TestCase[] {
  return SLO_KINDS.flatMap((k) => [detectionTest(m, k, defs[k]), quietTest(m, k, defs[k])]);
}

function traffic(fx: Fixtures, k: SloKind, tool: string, phases: readonly { perMinute: number; bad: number; steps: number }[]) {
  const T = fx.ctx.config.slo.latency.thresholdSeconds;
  const toPhase = (p: { perMinute: number; bad: number; steps: number }): TrafficPhase => k === 'availability'
    ? { ok: p.perMinute * (1 - p.bad), server: p.perMinute * p.bad, steps: p.steps }
    : { ok: p.perMinute, latency: { [T]: 1 - p.bad }, steps: p.steps };
  return fx.toolTraffic(tool, { phases: phases.map(toPhase) });
}

const after = (minute: number | undefined): string => (minute === undefined ? 'never' : `at +${minute}m`);

function detectionTest(m: SloModel, k: SloKind, def: AlertDef): TestCase {
  const fx = new Fixtures(m.ctx);
  const budget = m.budget(k);
  const plans = SCENARIOS.map((s) => ({ s, fires: (sev: Severity) => modelFires(m, k, s, sev) }));
  const search = Math.max(...SCENARIOS.map((s) => s.faultMinutes));
  // The minutes to check: around each scenario's detection, for both severities.
  const minutes = new Set<number>();
  const found: Record<string, Partial<Record<Severity, number>>> = {};
  for (const { s, fires } of plans) {
    for (const sev of ['critical', 'warning'] as const) {
      const d = detection(fires(sev), search);
      if (!d) continue;
      (found[s.tool] ??= {})[sev] = d.firing;
      minutes.add(d.silent).add(d.firing);
    }
  }
  const horizon = Math.max(...minutes);
  const at = (minute: number) => formatDuration((CLEAN_MINUTES + minute) * 60);
  const alerts: AlertCheck[] = [...minutes].sort((a, b) => a - b).map((minute) => {
    const expect: ExpectedAlert[] = [];
    for (const { s, fires } of plans) {
      for (const sev of ['critical', 'warning'] as const) {
        const f = fires(sev)(minute);
        if (f === undefined) throw new Error(`slo test: ${s.tool} ${sev} is on a threshold at minute ${minute}; move the scenario`);
        if (f) expect.push(expected(m, k, def, sev, s.tool));
      }
    }
    return { at: at(minute), alert: def.name, expect };
  });
  const missing = SCENARIOS.filter((s) => !found[s.tool]?.critical && s.badShare(budget) >= 6 * budget);
  if (missing.length) throw new Error(`slo test: no page modelled for ${missing.map((s) => s.tool).join(', ')}`);
  return {
    name: `${def.name}: ${SCENARIOS.map((s) => `${s.label} pages ${after(found[s.tool]?.critical)}, tickets ${after(found[s.tool]?.warning)}`).join('; ')} after 3 days clean (theoretical times of the windows, within one evaluation)`,
    interval: '1m',
    series: SCENARIOS.flatMap((s) => traffic(fx, k, s.tool, [
      { perMinute: s.perMinute, bad: 0, steps: CLEAN_MINUTES },
      { perMinute: s.perMinute, bad: s.badShare(budget), steps: Math.min(s.faultMinutes, horizon) },
      ...(s.faultMinutes < horizon ? [{ perMinute: s.perMinute, bad: 0, steps: horizon - s.faultMinutes }] : []),
    ])),
    alerts,
    long: true,
  };
}

/** The alert as Prometheus renders it for one tool. */
function expected(m: SloModel, k: SloKind, def: AlertDef, sev: Severity, tool: string): ExpectedAlert {
  const fx = new Fixtures(m.ctx);
  const v = def.variants.findIndex((x) => x.severity === sev);
  return firing(def, m.ctx.config, v, { ...fx.toolKept(tool), [SLO_LABEL]: SLO_NAMES[k] },
    def.description.replace(`{{ $labels.${m.ctx.job.label('toolCalls', 'tool')} }}`, tool).replace('{{ $labels.job }}', fx.scope.job as string));
}

// Quiet and low-traffic cases over 2 h, and the SLO's recorded series.
function quietTest(m: SloModel, k: SloKind, def: AlertDef): TestCase {
  const fx = new Fixtures(m.ctx);
  const { config } = m.ctx;
  const n = config.slo.lowTraffic.minBadCalls;
  const steps = 120;
  const flat = (tool: string, perMinute: number, bad: number) => traffic(fx, k, tool, [{ perMinute, bad, steps }]);
  const oneInTen = 0.1;
  const sloIs = { label: SLO_LABEL, op: '=' as const, value: SLO_NAMES[k] };
  const toolIs = (tool: string) => ({ label: m.ctx.job.label('toolCalls', 'tool'), op: '=' as const, value: tool });
  return {
    name: `${def.name}: a tool at 6 calls/h failing every call pages after ${n} bad calls within 1h; quiet tools with a success among their failures, `
      + `fewer than ${n} bad calls an hour, a healthy tool${k === 'availability' ? ' and caller errors' : ''} stay silent; burn-rate and budget series`,
    interval: '1m',
    series: [
      ...flat('list_files', BUSY, 0),
      // Half the budget's pace: burn rate 0.5, under every pair even while the long windows hold only these 2 h.
      ...flat('search_docs', BUSY, m.budget(k) / 2),
      // 6 calls an hour, all bad: 3 bad calls within the 1h window after 30 minutes (0.1 per minute).
      ...flat('rare_failing', oneInTen, 1),
      // 2 calls a minute, half bad: the ratio is 50 % but there are successes, and the tool is under the traffic floor.
      ...flat('quiet_flaky', 2, 0.5),
      // 2 calls an hour, all bad: never 3 in an hour (the documented gap).
      ...flat('rarest_failing', 2 / 60, 1),
      ...(k === 'availability' ? fx.toolTraffic('fetch_url', { ok: BUSY / 2, invalid: BUSY / 2, steps }) : []),
    ],
    alerts: [
      { at: formatDuration(29 * 60), alert: def.name, expect: [] },
      { at: formatDuration(31 * 60), alert: def.name, expect: [expected(m, k, def, 'critical', 'rare_failing')] },
      { at: formatDuration(steps * 60), alert: def.name, expect: [expected(m, k, def, 'critical', 'rare_failing')] },
    ],
    exprs: [
      { at: '1h', expr: `round(${ownToolSeries(m.ctx, NAMES.sloCurrentBurnRate, [sloIs, toolIs('search_docs')])} * 1000)`,
        expect: [{ labels: render('', { ...fx.toolKept('search_docs'), [SLO_LABEL]: SLO_NAMES[k] }), value: 500 }] },
      { at: '1h', expr: `round(${ownToolSeries(m.ctx, NAMES.sloBudgetRemaining, [sloIs, toolIs('list_files')])} * 1000)`,
        expect: [{ labels: render('', { ...fx.toolKept('list_files'), [SLO_LABEL]: SLO_NAMES[k] }), value: 1000 }] },
      { at: '1h', expr: `${NAMES.sloInfo}{${SLO_LABEL}="${SLO_NAMES[k]}"}`,
        expect: [{ labels: render(NAMES.sloInfo, { [SLO_LABEL]: SLO_NAMES[k], objective: String(m.objective[k]), period: config.slo.period,
          ...(k === 'latency' ? { threshold_seconds: String(config.slo.latency.thresholdSeconds) } : {}) }), value: 1 }] },
    ],
  };
}
