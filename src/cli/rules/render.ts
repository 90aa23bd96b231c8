// YAML for rule files, Mimir namespaces and promtool tests: generated header, fixed key order
// (objects are built in the order Prometheus documents them), no anchors, no line folding.
import * as yaml from 'js-yaml';
import { GENERATED_HEADER } from '@mcp-observability/catalog';
import type { RuleGroup, TestCase } from './types.js';

const dump = (value: unknown): string => yaml.dump(value, { noRefs: true, lineWidth: -1});

const comment = (lines: readonly string[]): string => lines.map((l) => `# ${l}\n`).join('');

export function renderRuleFile(groups: readonly RuleGroup[], notes: readonly string[] = []): string {
  return GENERATED_HEADER + comment(notes) + dump({ groups });
}

/** Mimir/Cortex ruler file: the same groups under a namespace (mimirtool rules load/sync). */
export function renderMimirFile(namespace: string, groups: readonly RuleGroup[], notes: readonly string[] = []): string {
  return GENERATED_HEADER + comment(notes) + dump({ namespace, groups });
}

export interface TestFile {
  ruleFiles: string[];
  /** Every group of the rule files, recording groups first: promtool's order is random otherwise. */
  groupOrder: string[];
  evaluationInterval: string;
  tests: readonly TestCase[];
}

export function renderTestFile(file: TestFile): string {
  return GENERATED_HEADER + dump({
    rule_files: file.ruleFiles,
    evaluation_interval: file.evaluationInterval,
    group_eval_order: file.groupOrder,
    tests: file.tests.map((t) => ({
      name: t.name,
      interval: t.interval,
      input_series: t.series.map((s) => ({ series: s.series, values: s.values })),
      ...(t.alerts.length ? {
        alert_rule_test: t.alerts.map((a) => ({
          eval_time: a.at,
          alertname: a.alert,
          exp_alerts: a.expect.map((e) => ({ exp_labels: e.labels, exp_annotations: e.annotations })),
        })),
      } : {}),
      ...(t.exprs?.length ? {
        promql_expr_test: t.exprs.map((e) => ({ expr: e.expr, eval_time: e.at, exp_samples: e.expect })),
      } : {}),
    })),
  });
}
