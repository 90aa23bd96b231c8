// Turns an alert definition into Prometheus alerting rules with the mixin conventions: severity
// label, static summary, templated description, runbook_url at the alert's runbook section.
import type { Config } from '../config/schema.js';
import { runbookUrl } from './context.js';
import type { AlertDef, AlertingRule, ExpectedAlert } from './types.js';

export function alertingRules(def: AlertDef, config: Config): AlertingRule[] {
  return def.variants.map((v) => ({
    alert: def.name,
    expr: v.expr,
    ...(v.for ? { for: v.for } : {}),
    labels: { severity: v.severity, ...v.labels },
    annotations: { summary: def.summary, description: def.description, runbook_url: runbookUrl(config, def.name) },
  }));
}

/**
 * What promtool must see when variant `variant` of `def` fires: the labels carried from the series
 * plus the rule's own, and the description as Prometheus renders it for this series.
 */
export function firing(def: AlertDef, config: Config, variant: number, labels: Record<string, string>, description: string): ExpectedAlert {
  const v = def.variants[variant];
  if (!v) throw new Error(`${def.name} has no variant ${variant}`);
  return {
    labels: { ...labels, severity: v.severity, ...v.labels },
    annotations: { summary: def.summary, description, runbook_url: runbookUrl(config, def.name) },
  };
}
