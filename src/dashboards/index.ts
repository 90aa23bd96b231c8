// Dashboard generation entry point: filled in by the dashboards work.
import type { Profile } from '../catalog/index.js';
import type { Config } from '../config/schema.js';
import type { Artifact } from '../build/artifact.js';

export function dashboardArtifacts(_config: Config, _profile: Profile): Artifact[] {
  return [];
}
