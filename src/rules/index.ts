// Rule generation entry point: filled in by the rules work (recording, alerts, SLO, anomaly).
import type { Profile } from '../catalog/index.js';
import type { Config } from '../config/schema.js';
import type { Artifact } from '../build/artifact.js';

export function ruleArtifacts(_config: Config, _profile: Profile): Artifact[] {
  return [];
}
