// `mcp-observability build`: every artifact of every configured profile, written deterministically
// into the output folder, next to whatever else the user keeps there.
import { getProfile, type Artifact } from '@mcp-observability/catalog';
import type { Config } from '../config/schema.js';
import { dashboardArtifacts } from '../dashboards/index.js';
import { ruleArtifacts } from '../rules/index.js';
import { runbookArtifact } from '../rules/runbook.js';
import { provisioningArtifacts } from '../stack/provisioning.js';
import { writeArtifacts, type WriteReport } from './write.js';

export function generate(config: Config): Artifact[] {
  const perProfile = config.profiles.flatMap((name) => {
    const profile = getProfile(name);
    return [...dashboardArtifacts(config, profile), ...ruleArtifacts(config, profile)];
  });
  // The runbook covers the alerts of every profile, so it is emitted once; so is Grafana's provisioning.
  return [...perProfile, runbookArtifact(config), ...provisioningArtifacts(config)];
}

/** What a build did, a line per file it wrote, removed or kept, then the totals. */
export function formatBuildReport(report: WriteReport, config: Config, where: string, ms: number): string {
  return [
    ...report.written.map((path) => `wrote    ${path}`),
    ...report.removed.map((path) => `removed  ${path}`),
    ...report.kept.map((path) => `kept     ${path} (no longer generated, but changed by hand)`),
    `build: ${report.written.length} written, ${report.unchanged.length} unchanged, ${report.removed.length} removed ` +
      `(profiles: ${config.profiles.join(', ')}) ${where} in ${Math.round(ms)} ms`,
  ].join('\n');
}

/** Writes `generate(config)` plus any `extra` artifacts into `outDir` (see write.ts for what it may touch). */
export function build(outDir: string, config: Config, extra: readonly Artifact[] = []): WriteReport {
  return writeArtifacts(outDir, [...generate(config), ...extra]);
}
