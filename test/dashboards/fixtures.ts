// The generated dashboards of both profiles, parsed from their artifact bytes (what gets committed).
import { getProfile, PROFILE_NAMES, type ProfileName } from '../../src/catalog/index.js';
import { validateConfig } from '../../src/config/load.js';
import { dashboardArtifacts } from '../../src/dashboards/index.js';
import type { LintDashboard } from '../../src/dashboards/lint.js';

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
  (d.panels ?? []).flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]))
    .flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title ?? '', expr: t.expr ?? '' })));
