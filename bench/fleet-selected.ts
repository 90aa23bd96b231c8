// The label values the timed queries select (`tool="_OTHER"`, `kind=~"tool|method"`), read from
// their PromQL with Prometheus's lezer grammar: the fleet generator must emit each of them, or the
// panel reading it is timed on no data.
import { parser } from '@prometheus-io/lezer-promql';
import { parsePromQL } from '../src/cli/promql/parse.js';

/**
 * Series name → label → the matchers that select literal values, each as its alternatives:
 * `a="x"` is `["x"]`, `a=~"x|y"` is `["x", "y"]` (a series with any one of them answers it).
 */
export type SelectedValues = Record<string, Record<string, string[][]>>;

/** A regex matcher selects literal values when it is a plain alternation (`a|b`); `.+`, `Mcp.*` select none in particular. */
const LITERAL_ALTERNATION = /^[\w\-/]+(\|[\w\-/]+)*$/;

/** Adds a matcher's alternatives under series and label unless the same alternatives are there; true if added. */
function addMatcher(out: SelectedValues, series: string, label: string, alternatives: string[]): boolean {
  const matchers = ((out[series] ??= {})[label] ??= []);
  if (matchers.some((m) => m.join('|') === alternatives.join('|'))) return false;
  matchers.push(alternatives);
  return true;
}

export function selectedLabelValues(exprs: readonly string[]): SelectedValues {
  const out: SelectedValues = {};
  for (const expr of exprs) {
    parser.parse(expr).iterate({
      enter(node) {
        if (node.name !== 'VectorSelector') return;
        const name = node.node.getChild('Identifier');
        if (!name) return;
        const series = expr.slice(name.from, name.to);
        for (const m of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const label = m.getChild('LabelName');
          const op = m.getChild('MatchOp');
          const literal = m.getChild('StringLiteral');
          if (!label || !op || !literal) continue;
          const value = JSON.parse(expr.slice(literal.from, literal.to).replace(/^'|'$/g, '"')) as string;
          const opText = expr.slice(op.from, op.to);
          const values = opText === '=' ? [value] : opText === '=~' && LITERAL_ALTERNATION.test(value) ? value.split('|') : [];
          // `label=""` selects series without the label, which the generator writes anyway.
          if (values.length > 0 && !values.includes('')) addMatcher(out, series, expr.slice(label.from, label.to), values);
        }
      },
    });
  }
  return out;
}

/** The labels a rule keeps by name: those of its `by (...)` clauses (a recorded series carries no other label of its inputs). */
function keptLabels(expr: string): Set<string> {
  const kept = new Set<string>();
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== 'GroupingLabels') return;
      for (const label of node.node.getChildren('LabelName')) kept.add(expr.slice(label.from, label.to));
    },
  });
  return kept;
}

/**
 * Values selected on recorded series, carried to the series their recording rules read (through
 * rules reading other rules' series too): a panel selecting `kind="method"` on a recorded rate
 * answers only if the raw family was written with that value. Only labels a rule keeps by name
 * are carried (an `slo` label a rule adds belongs to no input).
 */
export function throughRecordingRules(selected: SelectedValues, rules: readonly { record: string; expr: string }[]): SelectedValues {
  const out: SelectedValues = structuredClone(selected);
  const inputs = rules.map((r) => ({ ...r, kept: keptLabels(r.expr), reads: parsePromQL(r.expr).metrics }));
  for (let changed = true; changed;) {
    changed = false;
    for (const rule of inputs) {
      for (const [label, matchers] of Object.entries(out[rule.record] ?? {})) {
        if (!rule.kept.has(label)) continue;
        for (const series of rule.reads) for (const m of matchers) if (addMatcher(out, series, label, m)) changed = true;
      }
    }
  }
  return out;
}
