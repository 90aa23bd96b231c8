// Prometheus and Alertmanager configuration of the local stack, rendered from one description so
// the compose files (committed, built by `npm run build`) and native mode (rendered into .run/) agree.
import * as yaml from 'js-yaml';
import { GENERATED_HEADER } from '@mcp-observability/catalog';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
}

export interface PrometheusConfigInput {
  /** Scrape and rule evaluation interval: 15s normally, 5s for drills. */
  interval: string;
  /** Rule file globs, as Prometheus will see them (absolute in native mode, container paths in compose). */
  ruleFiles: readonly string[];
  /** host:port of Alertmanager. */
  alertmanager: string;
  targets: readonly ScrapeTarget[];
}

/** YAML with the DO-NOT-EDIT header, dumped the same way every time. */
export function renderYaml(doc: unknown): string {
  return GENERATED_HEADER + yaml.dump(doc, { lineWidth: 120 });
}

export function prometheusConfig(input: PrometheusConfigInput): string {
  const doc = {
    global: { scrape_interval: input.interval, evaluation_interval: input.interval },
    rule_files: [...input.ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [input.alertmanager] }] }] },
    scrape_configs: input.targets.map((t) => ({ job_name: t.job, static_configs: [{ targets: [t.address] }] })),
  };
  return renderYaml(doc);
}

export const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** Webhook path an alert of a severity is delivered to, so the receiver's log shows the routing. */
export const webhookPath = (severity: string): string => `/alerts/${severity}`;

/**
 * Routes by severity to one webhook receiver per severity. Short group_wait/group_interval: on a
 * local stack a notification within seconds matters more than batching.
 */
export function alertmanagerConfig(webhookBase: string): string {
  const receiver = (severity: string) => ({
    name: severity,
    webhook_configs: [{ url: `${webhookBase}${webhookPath(severity)}`, send_resolved: true }],
  });
  const doc = {
    route: {
      receiver: 'info',
      group_by: ['alertname', 'job', 'tool'],
      group_wait: '5s',
      group_interval: '15s',
      repeat_interval: '4h',
      routes: SEVERITIES.filter((s) => s !== 'info').map((s) => ({ matchers: [`severity="${s}"`], receiver: s })),
    },
    receivers: SEVERITIES.map(receiver),
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'job', 'tool'] },
    ],
  };
  return renderYaml(doc);
}
