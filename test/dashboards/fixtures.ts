// The generated dashboards of both profiles, parsed from their artifact bytes (what gets committed).
import { getProfile, PROFILE_NAMES, type ProfileName } from '../../src/catalog/index.js';
import { validateConfig } from '../../src/cli/config/load.js';
import { dashboardArtifacts } from '../../src/cli/dashboards/index.js';
import { panelsOf, type LintDashboard } from '../../src/cli/dashboards/lint.js';
import { NAMES, RECORDED_QUANTILES, recordedSeries, SLO_WINDOWS, type RecordedSeries } from '../../src/cli/rules/recorded.js';

export const config = validateConfig({});

export interface Generated {
  profile: ProfileName;
  path: string;
  content: string;
  dashboard: LintDashboard & Record<string, unknown>;
}

export function generated(): Generated[] {
  return PROFILE_NAMES.flatMap((profile) => dashboardArtifacts(config, getProfile(profile)).map((a) => ({
    profile,
    path: a.path,
    content: a.content,
    dashboard: JSON.parse(a.content) as Generated['dashboard'],
  })));
}

export const targetsOf = (d: LintDashboard): { panel: string; expr: string }[] =>
  panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title ?? '', expr: t.expr ?? '' })));

/** Every series name recordedSeries(profile) defines (per quantile and per SLO window spelled out). */
export function recordedNames(profile: ProfileName): Set<string> {
  return new Set(Object.values(recordedSeries(getProfile(profile))).flatMap((s: RecordedSeries[keyof RecordedSeries]) => {
    if (s === undefined) return [];
    if (typeof s === 'string') return [s];
    if (s === NAMES.toolLatency) return RECORDED_QUANTILES.map((q) => NAMES.toolLatency(q));
    if (s === NAMES.sloErrorRatio) return SLO_WINDOWS.map((w) => NAMES.sloErrorRatio(w));
    throw new Error('recordedSeries has a new per-parameter name: spell out its values here');
  }));
}

/** The dashboard's name (file name without .json), which keys LINT_EXCLUSIONS. */
export const dashboardName = (g: Generated): string => g.path.split('/').pop()!.replace(/\.json$/, '');
