// The one walk over generated dashboard JSON: its panels (those nested in collapsed rows too) and
// their PromQL targets. The linter, the stack's panel check and the fleet benchmark read through it.

export interface TargetJson {
  expr?: string;
  refId?: string;
  hide?: boolean;
  /** Grafana asks Prometheus for this target's exemplars too. */
  exemplar?: boolean;
}

export interface PanelJson {
  type?: string;
  title?: string;
  targets?: TargetJson[];
  panels?: PanelJson[];
}

/** Every panel that is not a row, in order, including those a collapsed row carries inside it. */
export function panelsOf<P extends PanelJson>(dashboard: { panels?: P[] }): P[] {
  const walk = (panels: readonly P[]): P[] =>
    panels.flatMap((p) => (p.type === 'row' ? walk((p.panels ?? []) as P[]) : [p, ...walk((p.panels ?? []) as P[])]));
  return walk(dashboard.panels ?? []);
}

/** Every target with an expression that Grafana sends (hidden ones are not), with its panel. */
export function targetsOf<P extends PanelJson>(dashboard: { panels?: P[] }): { panel: P; target: TargetJson; index: number }[] {
  return panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).flatMap((target, index) => (target.expr && !target.hide ? [{ panel, target, index }] : [])));
}
