// Dashboard generation entry point: one JSON file per dashboard, a folder per profile.
import type { Profile } from '@mcp-observability/catalog';
import type { Config } from '../config/schema.js';
import { dashboardsDir, jsonArtifact, type Artifact } from '@mcp-observability/catalog';
import { buildDashboard, type DashboardJson, type DashboardSpec } from './dashboard.js';
import { OVERVIEW_LINT_EXCLUSIONS, overview } from './overview.js';
import { PERFORMANCE_LINT_EXCLUSIONS, performance } from './performance.js';
import { QUALITY_LINT_EXCLUSIONS, quality } from './quality.js';
import { RESOURCES_LINT_EXCLUSIONS, resources } from './resources.js';
import { SECURITY_LINT_EXCLUSIONS, security } from './security.js';
import type { LintExclusion } from './lint.js';

export const DASHBOARDS: readonly DashboardSpec[] = [overview, performance, resources, quality, security];

/** Deliberate departures from the lint rules per dashboard name, each with its reason (dashboard-linter's .lint file per dashboard). */
export const LINT_EXCLUSIONS: Readonly<Record<string, readonly LintExclusion[]>> = {
  overview: OVERVIEW_LINT_EXCLUSIONS,
  performance: PERFORMANCE_LINT_EXCLUSIONS,
  quality: QUALITY_LINT_EXCLUSIONS,
  resources: RESOURCES_LINT_EXCLUSIONS,
  security: SECURITY_LINT_EXCLUSIONS,
};

export interface GeneratedDashboard {
  path: string;
  dashboard: DashboardJson;
}

export function generateDashboards(config: Config, profile: Profile): GeneratedDashboard[] {
  return DASHBOARDS.map((spec) => ({
    path: `${dashboardsDir(profile.name)}/${spec.name}.json`,
    dashboard: buildDashboard(spec, profile, config, DASHBOARDS),
  }));
}

export function dashboardArtifacts(config: Config, profile: Profile): Artifact[] {
  return generateDashboards(config, profile).map(({ path, dashboard }) => jsonArtifact(path, dashboard));
}
