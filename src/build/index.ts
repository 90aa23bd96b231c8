// `npm run build`: every artifact of every configured profile, written deterministically.
import { getProfile } from '../catalog/index.js';
import type { Config } from '../config/schema.js';
import { dashboardArtifacts } from '../dashboards/index.js';
import { ruleArtifacts } from '../rules/index.js';
import { runbookArtifact } from '../rules/runbook.js';
import { composeArtifacts } from '../stack/compose.js';
import { provisioningArtifacts } from '../stack/provisioning.js';
import type { Artifact } from './artifact.js';
import { writeArtifacts, type WriteReport } from './write.js';

/** Folders the build owns outright; anything else in the repo is never touched. */
export const OWNED_DIRS = ['dashboards', 'alerts', 'stack/grafana/provisioning', 'stack/prometheus', 'stack/alertmanager'] as const;

export function generate(config: Config): Artifact[] {
  const perProfile = config.profiles.flatMap((name) => {
    const profile = getProfile(name);
    return [...dashboardArtifacts(config, profile), ...ruleArtifacts(config, profile)];
  });
  // The runbook covers the alerts of every profile, so it is emitted once.
  // The local stack's configuration (Grafana provisioning, compose Prometheus/Alertmanager configs) too.
  return [...perProfile, runbookArtifact(config), ...provisioningArtifacts(config), ...composeArtifacts(config)];
}

export function build(root: string, config: Config): WriteReport {
  return writeArtifacts(root, generate(config), OWNED_DIRS);
}
