// Where generated output lives inside a build's output folder: the one place that spells it, read
// by the generators, the build's manifest, the stack and the publisher.
import type { ProfileName } from './types.js';

export const OUTPUT_LAYOUT = {
  /** What the build wrote, with each file's hash: it never touches a file that is not listed here. */
  manifest: 'mcp-observability.manifest.json',
  dashboardsDir: 'dashboards',
  alertsDir: 'alerts',
  /** One section per alert; every alert's runbook_url points into it. */
  runbook: 'alerts/runbook.md',
  provisioningDir: 'stack/grafana/provisioning',
} as const;

export const dashboardsDir = (profile: ProfileName): string => `${OUTPUT_LAYOUT.dashboardsDir}/${profile}`;
export const alertsDir = (profile: ProfileName): string => `${OUTPUT_LAYOUT.alertsDir}/${profile}`;
/** Plain Prometheus rule files of an area: `alerts/<profile>/<area>.rules.yaml`. */
export const RULE_FILE_SUFFIX = '.rules.yaml';
export const ruleFile = (area: string): string => `${area}${RULE_FILE_SUFFIX}`;
/** Sub-folders of a profile's alerts: Mimir/Cortex ruler copies, promtool tests, time-compressed drill rules. */
export const ALERTS_SUBDIRS = { ruler: 'mimir', tests: 'tests', drill: 'drill' } as const;
