// Input series for promtool tests, spelled through the catalogue so each profile's tests feed the
// series that profile's server really exports. Counters grow linearly: `perStep` per sample interval.
import { SERVER_ERROR_TYPES, type Role, type SignalId } from '@mcp-observability/catalog';
import type { Config } from '../../config/schema.js';
import type { SignalQueries } from '../../promql/index.js';
import type { RuleContext } from '../context.js';
import type { InputSeries } from '../types.js';

/** Instance label of the one simulated process. */
export const TEST_INSTANCE = '127.0.0.1:3100';
/** Default sample count of a test's input series. */
export const TEST_STEPS = 60;

const MATCHER = /([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/** Label values that satisfy config.selector, plus a value for each extra aggregation label. */
export function scopeLabels(config: Config): Record<string, string> {
  const labels: Record<string, string> = { job: 'mcp' };
  for (const label of config.aggregationLabels) labels[label] = `${label}-a`;
  for (const [, label, op, pattern] of config.selector.matchAll(MATCHER) as Iterable<[string, string, string, string]>) {
    if (op === '=') labels[label] = pattern;
    else if (op === '=~') {
      const candidate = pattern.replace(/\.\*/g, '').replace(/\.\+/g, 'x').replace(/[()^$]/g, '').split('|')[0] as string;
      if (!new RegExp(`^(?:${pattern})$`).test(candidate)) {
        throw new Error(`selector: cannot derive a test value for ${label}=~"${pattern}"; use = or a pattern like "mcp.*"`);
      }
      labels[label] = candidate;
    } else {
      const value = labels[label] ?? '';
      const excluded = op === '!=' ? value === pattern : new RegExp(`^(?:${pattern})$`).test(value);
      if (excluded) throw new Error(`selector: ${label}${op}"${pattern}" excludes the test value "${value}"; give ${label} a positive matcher`);
    }
  }
  return labels;
}

export const counter = (perStep: number, steps = TEST_STEPS): string => `0+${perStep}x${steps}`;

/** Counter values growing by `perStep[i]` per step for `steps[i]` steps, phase after phase (one phase = counter()). */
export function phasedCounter(perStep: readonly number[], steps: readonly number[]): string {
  let end = 0;
  return perStep.map((v, i) => {
    const n = steps[i] as number;
    const part = i === 0 ? counter(v, n) : `${tidy(end + v)}+${v}x${n - 1}`;
    end = tidy(end + v * n);
    return part;
  }).join(' ');
}
const tidy = (v: number): number => Number(v.toFixed(9));
export const gauge = (value: number, steps = TEST_STEPS): string => `${value}x${steps}`;

/** A series as promtool spells it: `name{label="value", ...}` (name may be empty for an expression's result). */
export const render = (name: string, labels: Record<string, string>): string =>
  `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(', ')}}`;

export interface ToolTraffic {
  /** Successful calls per step. */
  ok?: number;
  /** Server-caused failures per step. */
  server?: number;
  /** Calls rejected for invalid arguments per step. */
  invalid?: number;
  /** Cumulative share of calls at or under each bucket boundary (seconds), e.g. { 1: 0, 2: 1 }. */
  latency?: Record<number, number>;
  steps?: number;
  /** Successive phases of different traffic; replaces ok, server, invalid and steps. */
  phases?: readonly TrafficPhase[];
}

export interface TrafficPhase {
  ok?: number;
  server?: number;
  invalid?: number;
  /** This phase's latency shares (as ToolTraffic.latency, which applies to phases without their own). */
  latency?: Record<number, number>;
  steps: number;
}

/** Per-step counts of one series, one per phase. */
type PerStep = number[];
const any = (v: PerStep): boolean => v.some((x) => x !== 0);
const plus = (a: PerStep, b: PerStep): PerStep => a.map((x, i) => x + (b[i] as number));

export class Fixtures {
  readonly scope: Record<string, string>;
  constructor(readonly ctx: RuleContext) {
    this.scope = { ...scopeLabels(ctx.config), instance: TEST_INSTANCE };
  }

  /** The labels an alert at job level (or instance level) carries from the input series. */
  kept(level: 'job' | 'instance', extra: Record<string, string> = {}): Record<string, string> {
    const q: SignalQueries = level === 'job' ? this.ctx.job : this.ctx.instance;
    return { ...Object.fromEntries(q.keep.map((l) => [l, this.scope[l] as string])), ...extra };
  }

  /** Labels of one tool's alert at job level. */
  toolKept(tool: string): Record<string, string> {
    return this.kept('job', { [this.ctx.job.label('toolCalls', 'tool')]: tool });
  }

  /** One series of a signal: scope labels, the signal's fixed matchers, role labels spelled per profile. */
  series(id: SignalId, roles: Partial<Record<Role, string>>, values: string,
    opts: { part?: 'count' | 'sum' | 'bucket'; extra?: Record<string, string> } = {}): InputSeries {
    const q = this.ctx.job;
    const s = q.spelling(id);
    const labels: Record<string, string> = { ...this.scope };
    // A regex matcher of alternatives (initialize|server/discover) is met by its first.
    for (const m of s.matchers ?? []) if (m.op === '=' || m.op === '=~') labels[m.label] = m.op === '=' ? m.value : m.value.split('|')[0] as string;
    for (const [role, value] of Object.entries(roles) as [Role, string][]) labels[q.label(id, role)] = q.value(id, role, value);
    Object.assign(labels, opts.extra ?? {});
    return { series: render(q.series(id, opts.part), labels), values };
  }

  /**
   * Successful and failed series of a signal with a `failed` subset: the failed series carries the
   * subset's value (or `failedValue` where the subset only says "not empty"), the successful one
   * `okValue` on the same label (or no such label).
   */
  outcomes(id: SignalId, roles: Partial<Record<Role, string>>, perStep: { ok: number; failed: number },
    values: { ok: string; failed: string }, steps = TEST_STEPS): InputSeries[] {
    const m = this.ctx.job.spelling(id).failed?.[0];
    if (!m) throw new Error(`signal ${id} has no failed subset`);
    const failedLabel = { [m.label]: m.op === '=' ? m.value : values.failed };
    const okLabel = m.op === '=' ? { [m.label]: values.ok } : {};
    return [
      ...(perStep.ok ? [this.series(id, roles, counter(perStep.ok, steps), { extra: okLabel })] : []),
      ...(perStep.failed ? [this.series(id, roles, counter(perStep.failed, steps), { extra: failedLabel })] : []),
    ];
  }

  /** The tool-call series a server exports for the given traffic of one tool. */
  toolTraffic(tool: string, t: ToolTraffic): InputSeries[] {
    const q = this.ctx.job;
    const phases = t.phases ?? [{ ok: t.ok, server: t.server, invalid: t.invalid, steps: t.steps ?? TEST_STEPS }];
    const grow = (v: PerStep) => phasedCounter(v, phases.map((p) => p.steps));
    const calls = q.spelling('toolCalls');
    const out: InputSeries[] = [];
    const shares = phases.map((p) => p.latency ?? t.latency);
    const hasLatency = shares.some((s) => s !== undefined);
    const withLatency = (roles: Partial<Record<Role, string>>, perStep: PerStep) => {
      if (!hasLatency) return;
      const boundaries = [...new Set(shares.flatMap((s) => Object.keys(s ?? {})))].sort((a, b) => Number(a) - Number(b));
      for (const le of boundaries) {
        out.push(this.series('toolDuration', roles, grow(perStep.map((v, i) => v * (shares[i]?.[Number(le)] ?? 1))), { part: 'bucket', extra: { le } }));
      }
      out.push(this.series('toolDuration', roles, grow(perStep), { part: 'bucket', extra: { le: '+Inf' } }));
    };
    const ok = phases.map((p) => p.ok ?? 0);
    const server = phases.map((p) => p.server ?? 0);
    const invalid = phases.map((p) => p.invalid ?? 0);
    const kinds: [PerStep, string | undefined][] = [[ok, undefined], [server, SERVER_ERROR_TYPES[0]], [invalid, 'invalid_params']];
    if (q.has('toolErrors') && q.spelling('toolErrors').family === calls.family) {
      // One histogram family carries calls, errors (error_type) and latency: every outcome is a series of it.
      for (const [perStep, errorType] of kinds) {
        if (!any(perStep)) continue;
        const roles = errorType ? { tool, errorType } : { tool };
        out.push(this.series('toolCalls', roles, grow(perStep)));
        withLatency(roles, perStep);
      }
      return out;
    }
    const failedValue = calls.failed?.find((m) => m.op === '=')?.value ?? 'error';
    const failed = plus(server, invalid);
    if (any(ok)) out.push(this.series('toolCalls', { tool, outcome: 'ok' }, grow(ok)));
    if (any(failed)) out.push(this.series('toolCalls', { tool, outcome: failedValue }, grow(failed)));
    for (const [perStep, errorType] of kinds) {
      if (any(perStep) && errorType && q.has('toolErrors')) out.push(this.series('toolErrors', { tool, errorType }, grow(perStep)));
    }
    if (hasLatency && q.has('toolDuration')) {
      const total = plus(ok, failed);
      withLatency({ tool }, total);
      out.push(this.series('toolDuration', { tool }, grow(total), { part: 'count' }));
    }
    return out;
  }
}
