// Shapes of generated rules, alert definitions and their promtool tests. Everything here is plain
// data: generators build it from (config, profile, timing), render.ts turns it into YAML.

export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** One rule file per area: alerts/<profile>/<area>.rules.yaml. */
export type Area = 'normalise' | 'recording' | 'transport' | 'tools' | 'content' | 'agent' | 'resources' | 'security' | 'availability' | 'slo' | 'anomaly' | 'synthetic';

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

/** Runbook text for one alert; the runbook (OUTPUT_LAYOUT.runbook) is generated from it. */
export interface AlertDoc {
  meaning: string;
  impact: string;
  diagnosis: readonly string[];
  mitigation: readonly string[];
}

/** One rule of an alert (an alert may have several, e.g. one per burn-rate window or per tool threshold). */
export interface AlertVariant {
  expr: string;
  /** How long the condition must hold; absent fires on the first evaluation that sees it (burn-rate windows are their own hold). */
  for?: string;
  severity: Severity;
  labels?: Record<string, string>;
}

export interface AlertDef {
  name: string;
  /** Static one-line summary (no template). */
  summary: string;
  /** Templated description ({{ $labels.x }}, {{ $value }}). */
  description: string;
  doc: AlertDoc;
  variants: AlertVariant[];
}

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** An alert's firing set at one time; an empty `expect` asserts silence. */
export interface AlertCheck {
  at: string;
  alert: string;
  expect: ExpectedAlert[];
}

export interface ExprCheck {
  at: string;
  expr: string;
  expect: { labels: string; value: number }[];
}

export interface TestCase {
  name: string;
  /** Interval between input samples. */
  interval: string;
  series: InputSeries[];
  alerts: AlertCheck[];
  exprs?: ExprCheck[];
  /**
   * Replays hours or days of samples: written to <area>.<file>.test.yaml, evaluated every
   * `evaluationInterval`, which `npm run test:peers` runs, not `npm test`.
   */
  peers?: { file: string; evaluationInterval: string };
}

/** What one area contributes for a profile: its rule groups, alert definitions and tests. */
export interface AreaRules {
  area: Area;
  groups: RuleGroup[];
  alerts: AlertDef[];
  tests: TestCase[];
  /** Areas whose recorded series these rules read (their files join the test's rule_files, evaluated first). */
  reads: Area[];
}
