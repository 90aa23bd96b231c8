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

/**
 * Whether a rule keeps an input label by name: one of its `by (...)` labels (also of a `group by`
 * it matches on: `_OTHER` tools reach the otel normalisation's relabelled branch by it); or, for a
 * rule whose outermost aggregation is `without (...)` (the otel normalisation), any label but those
 * (at any depth) and the ones its label_replace calls write. A recorded series carries no other
 * label of its inputs as they were.
 */
function keptLabels(expr: string): (label: string) => boolean {
  const by = new Set<string>();
  const dropped = new Set<string>();
  let outermost: 'by' | 'without' | undefined;
  const text = (node: { from: number; to: number } | null | undefined) => (node ? expr.slice(node.from, node.to) : '');
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name === 'AggregateModifier') {
        const isBy = node.node.getChild('By') !== null;
        outermost ??= isBy ? 'by' : 'without';
        for (const label of node.node.getChild('GroupingLabels')?.getChildren('LabelName') ?? []) (isBy ? by : dropped).add(text(label));
      } else if (node.name === 'FunctionCall' && text(node.node.getChild('FunctionIdentifier')) === 'label_replace') {
        const destination = node.node.getChild('FunctionCallBody')?.getChildren('StringLiteral')[0];
        if (destination) dropped.add(JSON.parse(text(destination)) as string);
      }
    },
  });
  return (label) => by.has(label) || (outermost === 'without' && !dropped.has(label));
}

/** The series a rule reads: by name, and through `{__name__=~"…"}` selectors, those of `known` the pattern matches. */
function readSeries(expr: string, known: readonly string[]): string[] {
  const patterns = [...expr.matchAll(/__name__=~"((?:[^"\\]|\\.)*)"/g)].map((m) => new RegExp(`^(?:${JSON.parse(`"${m[1]!}"`) as string})$`));
  return [...new Set([...parsePromQL(expr).metrics, ...known.filter((name) => patterns.some((p) => p.test(name)))])];
}

/**
 * Values selected on recorded series, carried to the series their recording rules read (through
 * rules reading other rules' series too): a panel selecting `kind="method"` on a recorded rate
 * answers only if the raw family was written with that value. Only labels a rule keeps are carried
 * (an `slo` label a rule adds belongs to no input). `known`: the series the generator writes, which
 * `__name__` patterns are matched against.
 */
export function throughRecordingRules(selected: SelectedValues, rules: readonly { record: string; expr: string }[], known: readonly string[] = []): SelectedValues {
  const out: SelectedValues = structuredClone(selected);
  const inputs = rules.map((r) => ({ ...r, keeps: keptLabels(r.expr), reads: readSeries(r.expr, known) }));
  for (let changed = true; changed;) {
    changed = false;
    for (const rule of inputs) {
      for (const [label, matchers] of Object.entries(out[rule.record] ?? {})) {
        if (!rule.keeps(label)) continue;
        for (const series of rule.reads) for (const m of matchers) if (addMatcher(out, series, label, m)) changed = true;
      }
    }
  }
  return out;
}
