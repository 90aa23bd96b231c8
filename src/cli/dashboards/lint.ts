// Dashboard lint: grafana/dashboard-linter's rules for Prometheus dashboards, one function per rule,
// run on the generated JSON (the Go linter ships as a prebuilt binary we cannot install here).
import type { ProfileName } from '@mcp-observability/catalog';
import { panelsOf } from './walk.js';
import { parser } from '@prometheus-io/lezer-promql';
import { parsePromQL, substituteGrafanaVariables } from '../promql/index.js';

/** The parts of dashboard JSON the rules read (what Grafana imports, loosely typed so broken fixtures fit). */
export interface LintTarget {
  expr?: string;
  refId?: string;
}
export interface LintPanel {
  type: string;
  id?: number;
  title?: string;
  description?: string;
  datasource?: { uid?: string; type?: string } | string | null;
  targets?: LintTarget[];
  fieldConfig?: { defaults?: { unit?: string } };
  panels?: LintPanel[];
}
export interface LintVariable {
  type: string;
  name: string;
  label?: string;
  query?: unknown;
  datasource?: { uid?: string; type?: string } | string | null;
  multi?: boolean;
  allValue?: string;
  refresh?: number;
}
export interface LintDashboard {
  title?: string;
  uid?: string;
  templating?: { list?: LintVariable[] };
  panels?: LintPanel[];
}

export type RuleName =
  | 'template-datasource-rule'
  | 'template-job-rule'
  | 'template-instance-rule'
  | 'template-on-time-change-reload-rule'
  | 'panel-datasource-rule'
  | 'panel-title-description-rule'
  | 'panel-units-rule'
  | 'target-promql-rule'
  | 'target-rate-interval-rule'
  | 'target-job-rule'
  | 'target-instance-rule'
  | 'target-counter-agg-rule';

export interface LintFinding {
  rule: RuleName;
  dashboard: string;
  panel?: string;
  refId?: string;
  message: string;
}

/** A deliberate departure from a rule for one panel, with the reason (dashboard-linter's .lint exclusions). */
export interface LintExclusion {
  rule: RuleName;
  panel: string;
  reason: string;
  /** Only in these profiles' dashboards (where the panel reads recorded series); all when absent. */
  profiles?: readonly ProfileName[];
}

type Report = (message: string, panel?: LintPanel, target?: LintTarget) => void;

const DATASOURCE_REFS = new Set(['$datasource', '${datasource}']);
/** Stand-in for `$__rate_interval` that the PromQL grammar accepts and nothing else produces. */
const RATE_INTERVAL_SENTINEL = '7777s';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const dsUid = (ds: LintVariable['datasource']): string | undefined => (typeof ds === 'string' ? ds : ds?.uid);
const variables = (d: LintDashboard): LintVariable[] => d.templating?.list ?? [];

export { panelsOf };

export function templateDatasourceRule(d: LintDashboard, report: Report): void {
  const sources = variables(d).filter((v) => v.type === 'datasource');
  if (sources.length !== 1) return report(`expected exactly one data source variable, found ${sources.length}`);
  const [v] = sources as [LintVariable];
  if (v.name !== 'datasource') report(`data source variable is named '${v.name}', should be 'datasource'`);
  if (v.label !== 'Data source') report(`data source variable is labelled '${v.label}', should be 'Data source'`);
  if (v.query !== 'prometheus') report(`data source variable selects '${String(v.query)}' data sources, should be 'prometheus'`);
}

function checkScopeTemplate(d: LintDashboard, name: string, label: string, report: Report): void {
  const v = variables(d).find((t) => t.name === name);
  if (!v) return report(`missing the ${name} template`);
  if (!DATASOURCE_REFS.has(dsUid(v.datasource) ?? '')) report(`${name} template should use datasource '$datasource', is '${dsUid(v.datasource)}'`);
  if (v.type !== 'query') report(`${name} template should be a query, is '${v.type}'`);
  if (v.label !== label) report(`${name} template should be labelled '${label}', is '${v.label}'`);
  if (!v.multi) report(`${name} template should be a multi select`);
  if (v.allValue !== '.+') report(`${name} template allValue should be '.+', is '${v.allValue}'`);
}

export function templateJobRule(d: LintDashboard, report: Report): void {
  checkScopeTemplate(d, 'job', 'Job', report);
}

export function templateInstanceRule(d: LintDashboard, report: Report): void {
  checkScopeTemplate(d, 'instance', 'Instance', report);
}

export function templateOnTimeChangeReloadRule(d: LintDashboard, report: Report): void {
  for (const v of variables(d).filter((t) => t.type === 'query')) {
    if (v.refresh !== 2) report(`${v.name} template should refresh on time range change (refresh: 2), is ${v.refresh}`);
  }
}

export function panelDatasourceRule(d: LintDashboard, report: Report): void {
  for (const p of panelsOf(d)) {
    if (!DATASOURCE_REFS.has(dsUid(p.datasource) ?? '')) report(`panel data source should be '$datasource', is '${dsUid(p.datasource)}'`, p);
  }
}

export function panelTitleDescriptionRule(d: LintDashboard, report: Report): void {
  for (const p of panelsOf(d)) {
    if (!p.title?.trim()) report('panel has no title', p);
    if (!p.description?.trim()) report('panel has no description', p);
  }
}

export function panelUnitsRule(d: LintDashboard, report: Report): void {
  for (const p of panelsOf(d)) {
    if (!p.fieldConfig?.defaults?.unit) report('panel has no unit', p);
  }
}

/** Each target's PromQL, with Grafana's variables the way Grafana renders them when "All" is selected. */
export function targetPromqlRule(d: LintDashboard, report: Report): void {
  for (const p of panelsOf(d)) {
    for (const t of p.targets ?? []) {
      if (!t.expr) {
        report('target has no expression', p, t);
        continue;
      }
      for (const error of parsePromQL(substituteGrafanaVariables(t.expr)).errors) report(`invalid PromQL: ${error}`, p, t);
    }
  }
}

/**
 * Parses a target with its label matchers intact ("$job" stays a string) and only the interval
 * variables, which sit where the grammar wants a duration (or a number: `$__range_s`), replaced.
 */
function syntaxTree(expr: string): { text: string; top: SyntaxNode } {
  const text = expr.replace(/\$__rate_interval/g, RATE_INTERVAL_SENTINEL).replace(/\$__range_s\b/g, '300').replace(/\$__interval|\$__range/g, '5m');
  return { text, top: parser.parse(text).topNode };
}

/** Nodes called `name` inside `top` (a cursor's pre-order walk runs past the node's end, so it stops there). */
function nodesNamed(top: SyntaxNode, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const cursor = top.cursor();
  do {
    if (cursor.from >= top.to && cursor.to > top.to) break;
    if (cursor.name === name) found.push(cursor.node);
  } while (cursor.next());
  return found;
}

function eachTarget(d: LintDashboard, check: (text: string, top: SyntaxNode, fail: (m: string) => void) => void, report: Report): void {
  for (const p of panelsOf(d)) {
    for (const t of p.targets ?? []) {
      if (!t.expr) continue; // target-promql-rule reports it
      const { text, top } = syntaxTree(t.expr);
      check(text, top, (message) => report(message, p, t));
    }
  }
}

/** The function a matrix selector is the argument of (rate, increase, ...), if any. */
function enclosingFunction(text: string, matrix: SyntaxNode): string | undefined {
  let node: SyntaxNode | null = matrix.parent;
  if (node?.name === 'OffsetExpr') node = node.parent;
  if (node?.name !== 'FunctionCallBody' || node.parent?.name !== 'FunctionCall') return undefined;
  const identifier = node.parent.getChild('FunctionIdentifier');
  return identifier ? text.slice(identifier.from, identifier.to) : undefined;
}

export function targetRateIntervalRule(d: LintDashboard, report: Report): void {
  eachTarget(d, (text, top, fail) => {
    for (const matrix of nodesNamed(top, 'MatrixSelector')) {
      const fn = enclosingFunction(text, matrix);
      const range = matrix.getChild('DurationExpr');
      const window = range ? text.slice(range.from, range.to) : '';
      if ((fn === 'rate' || fn === 'irate') && window !== RATE_INTERVAL_SENTINEL) {
        fail(`${fn}() should use $__rate_interval, uses [${window}]`);
      }
    }
  }, report);
}

/** Every vector selector must carry `label=~"$label"`, so the variable narrows every query. */
function checkSelectorMatcher(d: LintDashboard, label: string, report: Report): void {
  const wanted = [`"$${label}"`, `"\${${label}}"`];
  eachTarget(d, (text, top, fail) => {
    for (const vector of nodesNamed(top, 'VectorSelector')) {
      const matchers = nodesNamed(vector, 'UnquotedLabelMatcher').map((m) => text.slice(m.from, m.to).replace(/\s+/g, ''));
      if (!matchers.some((m) => wanted.some((value) => m === `${label}=~${value}`))) {
        fail(`selector ${text.slice(vector.from, vector.to)} lacks ${label}=~"$${label}"`);
      }
    }
  }, report);
}

export function targetJobRule(d: LintDashboard, report: Report): void {
  checkSelectorMatcher(d, 'job', report);
}

export function targetInstanceRule(d: LintDashboard, report: Report): void {
  checkSelectorMatcher(d, 'instance', report);
}

/** Counters (`*_total`) are only meaningful through rate, irate or increase. */
export function targetCounterAggRule(d: LintDashboard, report: Report): void {
  eachTarget(d, (text, top, fail) => {
    for (const vector of nodesNamed(top, 'VectorSelector')) {
      const identifier = vector.getChild('Identifier');
      const name = identifier ? text.slice(identifier.from, identifier.to) : '';
      if (!name.endsWith('_total')) continue;
      const fn = vector.parent?.name === 'MatrixSelector' ? enclosingFunction(text, vector.parent) : undefined;
      if (fn !== 'rate' && fn !== 'irate' && fn !== 'increase') fail(`counter ${name} is not aggregated with rate, irate or increase`);
    }
  }, report);
}

export const RULES: Readonly<Record<RuleName, (d: LintDashboard, report: Report) => void>> = {
  'template-datasource-rule': templateDatasourceRule,
  'template-job-rule': templateJobRule,
  'template-instance-rule': templateInstanceRule,
  'template-on-time-change-reload-rule': templateOnTimeChangeReloadRule,
  'panel-datasource-rule': panelDatasourceRule,
  'panel-title-description-rule': panelTitleDescriptionRule,
  'panel-units-rule': panelUnitsRule,
  'target-promql-rule': targetPromqlRule,
  'target-rate-interval-rule': targetRateIntervalRule,
  'target-job-rule': targetJobRule,
  'target-instance-rule': targetInstanceRule,
  'target-counter-agg-rule': targetCounterAggRule,
};

export function lintDashboard(d: LintDashboard, exclusions: readonly LintExclusion[] = []): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const [rule, check] of Object.entries(RULES) as [RuleName, (typeof RULES)[RuleName]][]) {
    check(d, (message, panel, target) => {
      if (panel && exclusions.some((e) => e.rule === rule && e.panel === panel.title)) return;
      findings.push({
        rule,
        dashboard: d.uid ?? d.title ?? '?',
        ...(panel ? { panel: panel.title ?? `#${panel.id}` } : {}),
        ...(target?.refId ? { refId: target.refId } : {}),
        message,
      });
    });
  }
  return findings;
}
