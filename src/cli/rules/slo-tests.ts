// promtool tests of the SLO rules. The detection tests replay the issue #20 comparison with Sloth:
// clean traffic at 1 call/s, then a fault, per tool (total outage for 2 h, 10x and 2x burn, a total
// outage of a tool at 0.04 calls/s). Expected alerts come from a model of the windows: at each
// checked evaluation the error ratio of every window is the share of bad calls in it, so each
// severity is asserted silent at the last evaluation before its theoretical time and firing at the
// first after it. The model also computes each window with its oldest sample left out (Prometheus 3
// range selectors are left-open) and a check is only written where both spellings agree.
// promtool evaluates every rule at every evaluation from the first sample, so a replay costs its
// length over its step (~20 ms an evaluation); test:peers runs them on three engines. Pages replay
// the shortest clean history under which their checks are the table's (2.5 h) every minute;
// tickets need about 3 days for their 1d and 3d windows and are checked every 10 minutes.
// `npm run bench:slo` measures the table itself every minute after 3 days.
import { Fixtures, render, type TrafficPhase } from './tests/fixtures.js';
import { firing } from './alert.js';
import { ownToolSeries } from './context.js';
import { formatDuration, seconds } from './duration.js';
import { NAMES, SLO_LABEL, SLO_NAMES, type SloWindow } from './recorded.js';
import { BURN_WINDOWS, burnFactor, LOW_TRAFFIC_WINDOWS, SLO_KINDS, type SloKind, type SloModel } from './slo.js';
import type { AlertCheck, AlertDef, ExpectedAlert, Severity, TestCase } from './types.js';

/**
 * Calls per minute of a busy tool (1/s) and of the quiet one (0.04/s, under the default traffic
 * floor of 0.05/s). Counts per sample must be exact binary fractions: a counter that stops growing
 * after a phase of 2.4 per sample would jump by the engine's rounding (promtool sums the steps).
 */
const BUSY = 60;
const QUIET = 2.5;

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

const minutes = (w: SloWindow): number => seconds(w) / 60;

/** How a detection test replays the scenarios: minutes of clean traffic before the fault, minutes between samples and evaluations. */
export interface Replay {
  history: number;
  step: number;
}

/** The issue's table: 3 days clean (the longest window holds nothing else when the fault starts), a sample every minute. */
export const tableReplay = (): Replay => ({ history: Math.max(...BURN_WINDOWS.map((w) => minutes(w.long))), step: 1 });

/** Samples and evaluations of the ticket replay: every 10 minutes keeps 3 days of samples to seconds of promtool. */
export const TICKET_STEP = 10;

type Fires = (minute: number) => boolean | undefined;

/**
 * Whether a severity's rule fires at `minute` after the fault, under both window spellings;
 * undefined where a ratio sits on its threshold or the two spellings disagree.
 */
export function modelFires(m: SloModel, k: SloKind, s: Scenario, severity: Severity, replay: Replay): Fires {
  const { config } = m.ctx;
  const budget = m.budget(k);
  const share = s.badShare(budget);
  // Windows and thresholds once, not per minute: the detection search evaluates thousands of minutes.
  const pairs = BURN_WINDOWS.filter((w) => w.severity === severity)
    .map((w) => ({ short: minutes(w.short), long: minutes(w.long), limit: burnFactor(w, config.slo.period) * budget }));
  const floorHolds = s.perMinute / 60 >= config.minToolRate;
  // The page's low-traffic condition holds for every tool; the ticket's only under the floor, where the pairs are off.
  const lowTraffic = severity === 'critical' || !floorHolds ? LOW_TRAFFIC_WINDOWS.map(minutes) : [];
  const variant = (dropOldest: number) => (x: number): boolean | undefined => {
    /** Share of bad calls among the increments of the window; undefined when it holds a single sample (no rate). */
    const ratio = (window: number) => {
      const start = x - window;
      // A window reaching back past the first sample holds all samples; otherwise the oldest may be left out.
      const from = start < -replay.history ? -replay.history : start + dropOldest;
      if (from >= x) return undefined;
      return (share * Math.max(0, Math.min(x, s.faultMinutes) - Math.max(from, 0))) / (x - from);
    };
    let unsure = false;
    const above = (v: number | undefined, limit: number) => {
      if (v === undefined) return false;
      if (Math.abs(v - limit) < 1e-9 * Math.max(1, limit)) unsure = true;
      return v > limit;
    };
    const pairFires = floorHolds && pairs.some((w) => above(ratio(w.short), w.limit) && above(ratio(w.long), w.limit));
    const allBad = lowTraffic.some((w) => (ratio(w) ?? 0) >= 1 - 1e-12 && share * s.perMinute * (w - dropOldest) >= config.slo.lowTraffic.minBadCalls);
    return unsure ? undefined : pairFires || allBad;
  };
  const closed = variant(0);
  const leftOpen = variant(replay.step);
  return (x) => {
    const a = closed(x);
    const b = leftOpen(x);
    return a === undefined || b === undefined || a !== b ? undefined : a;
  };
}

/**
 * The first evaluation (a multiple of `step` minutes after the fault) at which `fires` holds under
 * every spelling, and the last one before it at which it does not (one evaluation earlier, or two
 * where the spellings disagree in between).
 */
export interface Detection { silent: number; firing: number }

export function detection(fires: Fires, horizon: number, step = 1): Detection | undefined {
  let silent = 0;
  for (let x = step; x <= horizon; x += step) {
    const f = fires(x);
    if (f === false) silent = x;
    if (f === true) return { silent, firing: x };
  }
  return undefined;
}

const remembered = new Map<string, Detection | undefined>();

/**
 * detection() of modelFires, remembered per process: a search runs over thousands of minutes and
 * the build and the tests generate the same rules many times.
 */
function detect(m: SloModel, k: SloKind, s: Scenario, severity: Severity, replay: Replay, horizon: number): Detection | undefined {
  const { config } = m.ctx;
  const key = JSON.stringify([k, s.tool, severity, replay, horizon, m.budget(k), config.slo.period, config.minToolRate, config.slo.lowTraffic.minBadCalls]);
  if (!remembered.has(key)) remembered.set(key, detection(modelFires(m, k, s, severity, replay), horizon, replay.step));
  return remembered.get(key);
}

export function sloTests(m: SloModel, defs: Record<SloKind, AlertDef>): TestCase[] {
  return [
    detectionTest(m, defs, SLO_KINDS, 'critical', 1),
    // One ticket replay per SLO: at coarse samples a 5m page condition differs by engine (see
    // below), so one SLO's outage page is unsure at the other's ticket checks.
    ...SLO_KINDS.map((k) => detectionTest(m, defs, [k], 'warning', TICKET_STEP)),
    ...SLO_KINDS.map((k) => quietTest(m, k, defs[k])),
  ];
}

function traffic(fx: Fixtures, k: SloKind, tool: string, phases: readonly { perMinute: number; bad: number; steps: number }[]) {
  const T = fx.ctx.config.slo.latency.thresholdSeconds;
  const toPhase = (p: { perMinute: number; bad: number; steps: number }): TrafficPhase => k === 'availability'
    ? { ok: p.perMinute * (1 - p.bad), server: p.perMinute * p.bad, steps: p.steps }
    : { ok: p.perMinute, latency: { [T]: 1 - p.bad }, steps: p.steps };
  return fx.toolTraffic(tool, { phases: phases.map(toPhase) });
}

/** Input series of the scenarios: `history` minutes clean, the fault, then clean again until `horizon`, a sample every `step` minutes. */
export function scenarioSeries(m: SloModel, k: SloKind, { s, tool }: { s: Scenario; tool: string }, replay: Replay, horizon: number) {
  const calls = s.perMinute * replay.step;
  const phases = [
    { perMinute: calls, bad: 0, steps: replay.history / replay.step },
    { perMinute: calls, bad: s.badShare(m.budget(k)), steps: Math.min(s.faultMinutes, horizon) / replay.step },
    ...(s.faultMinutes < horizon ? [{ perMinute: calls, bad: 0, steps: (horizon - s.faultMinutes) / replay.step }] : []),
  ];
  // promtool sums a phase's steps one by one: unless they are exact binary fractions, the next
  // phase's written start differs from that sum by rounding, a jump or a reset of the counter.
  const inexact = phases.slice(0, -1).flatMap((p) => [p.perMinute * (1 - p.bad), p.perMinute * p.bad]).filter((c) => !Number.isInteger(c * 1024));
  if (inexact.length) throw new Error(`slo test: ${tool} counts ${inexact.join(', ')} per sample before a phase change are not exact binary fractions`);
  return traffic(new Fixtures(m.ctx), k, tool, phases);
}

const after = (minute: number | undefined): string => (minute === undefined ? 'never' : `at +${minute}m`);
const SHOWN: Record<Severity, string> = { critical: 'pages', warning: 'tickets', info: 'notes' };

/** A scenario of one SLO in a detection test: its tool is named after both, so the two SLOs' series never meet. */
interface Row { k: SloKind; s: Scenario; tool: string }

/**
 * The evaluations that check `severity` on every row under `replay`: the last one before each
 * detection (silent) and the first after it (firing), with the table's detection minute; undefined
 * where a row's detection or any expected alert at a check differs from what the table's 3 days of
 * history give at this step.
 */
function plan(m: SloModel, rows: readonly Row[], severity: Severity, replay: Replay, wanted: Map<Row, Detection | undefined>) {
  const search = Math.max(...rows.map((r) => r.s.faultMinutes));
  const checks = new Set<number>();
  const found = new Map<Row, Detection | undefined>();
  for (const r of rows) {
    const d = detect(m, r.k, r.s, severity, replay, search);
    const want = wanted.get(r);
    if (d?.silent !== want?.silent || d?.firing !== want?.firing) return undefined;
    found.set(r, d);
    if (d) checks.add(d.silent).add(d.firing);
  }
  const sure = [...checks].every((x) => rows.every((r) => (['critical', 'warning'] as const).every((sev) => modelFires(m, r.k, r.s, sev, replay)(x) !== undefined)));
  return sure ? { checks: [...checks].sort((a, b) => a - b), found } : undefined;
}

/**
 * Every scenario of the given SLOs in one replay at `step` minutes, checked around `severity`'s
 * detection of each: the evaluation before (silent) and the first after the theoretical time
 * (firing), with every alert the model expects there, of either severity. The replay's clean
 * history is the shortest (in 10-minute steps) under which those checks are the table's.
 */
function detectionTest(m: SloModel, defs: Record<SloKind, AlertDef>, kinds: readonly SloKind[], severity: Severity, step: number): TestCase {
  const budget = (k: SloKind) => m.budget(k);
  // At a ticket replay's coarse samples a 5m window holds one sample on Prometheus 3 (none of its
  // 5m conditions hold there) but two on 2.42 and vmalert, so a quiet tool's 5m page differs by
  // engine; tools under the traffic floor ticket on the same low-traffic condition as they page,
  // which the page replay asserts every minute.
  const rows: Row[] = kinds.flatMap((k) => SCENARIOS
    .filter((s) => step === 1 || s.perMinute / 60 >= m.ctx.config.minToolRate)
    .map((s) => ({ k, s, tool: `${s.tool}_${k}` })));
  const table = tableReplay();
  const search = Math.max(...rows.map((r) => r.s.faultMinutes));
  const wanted = new Map(rows.map((r) => [r, detect(m, r.k, r.s, severity, { ...table, step }, search)]));
  const works = (history: number) => plan(m, rows, severity, { history, step }, wanted);
  // Hours first, then the 10-minute steps of the hour before the first that works.
  let hours = 60;
  while (hours < table.history && !works(hours)) hours += 60;
  let history = Math.max(10, hours - 50);
  let found = works(history);
  while (!found && history < hours) found = works((history += 10));
  if (!found) throw new Error(`slo test: no history reproduces the table's ${severity} checks at ${step}-minute steps`);
  const replay: Replay = { history, step };
  const theory = rows.map((r) => {
    const exact = detect(m, r.k, r.s, severity, table, search);
    const d = found.found.get(r);
    if (!exact && severity === 'critical' && r.s.badShare(budget(r.k)) >= 6 * budget(r.k)) throw new Error(`slo test: no page modelled for ${r.s.tool}`);
    return `${r.k} ${r.s.label} ${after(exact?.firing)}${d ? ` (checked at +${d.silent}m and +${d.firing}m)` : ''}`;
  });
  const horizon = Math.max(...found.checks);
  const at = (minute: number) => formatDuration((history + minute) * 60);
  const alerts: AlertCheck[] = found.checks.flatMap((minute) => kinds.map((k) => ({
    at: at(minute),
    alert: defs[k].name,
    expect: rows.filter((r) => r.k === k).flatMap((r) => (['critical', 'warning'] as const)
      .filter((sev) => modelFires(m, k, r.s, sev, replay)(minute))
      .map((sev) => expected(m, k, defs[k], sev, r.tool))),
  })));
  return {
    name: `${kinds.map((k) => defs[k].name).join(' and ')} ${SHOWN[severity]}: ${theory.join('; ')}; `
      + `${formatDuration(history * 60)} clean, a sample and an evaluation every ${formatDuration(step * 60)} `
      + '(silent at the last evaluation before the theoretical time that every window spelling agrees on, firing at the first after it)',
    interval: formatDuration(step * 60),
    series: rows.flatMap((r) => scenarioSeries(m, r.k, r, replay, horizon)),
    alerts,
    peers: { file: SHOWN[severity], evaluationInterval: formatDuration(step * 60) },
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
  // Under the traffic floor the low-traffic condition raises both severities.
  const rareFailing = (['critical', 'warning'] as const).map((sev) => expected(m, k, def, sev, 'rare_failing'));
  return {
    name: `${def.name}: a tool at 6 calls/h failing every call pages and tickets after ${n} bad calls within 1h; quiet tools with a success among their failures, `
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
      { at: formatDuration(31 * 60), alert: def.name, expect: rareFailing },
      { at: formatDuration(steps * 60), alert: def.name, expect: rareFailing },
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
