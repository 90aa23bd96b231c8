// Checks PromQL with Prometheus's own lezer grammar, after substituting Grafana variables as
// Grafana would with "All" selected.
import { parser } from '@prometheus-io/lezer-promql';

/** `$__range_s` as Grafana renders it for the 5m that `$__range` stands for here. */
const RANGE_SECONDS = '300';

/** Grafana's built-in interval variables and our template variables, replaced the way Grafana renders them. */
export function substituteGrafanaVariables(expr: string, values: Record<string, string> = {}): string {
  return expr
    .replace(/\$__range_s\b/g, RANGE_SECONDS)
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      return values[name] ?? '.+';
    });
}

export interface ParseResult {
  errors: string[];
  /** Metric names read by vector selectors (recording-rule names included). */
  metrics: string[];
}

export function parsePromQL(expr: string): ParseResult {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`syntax error at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.from + 20)}…`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.add(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics: [...metrics].sort() };
}
