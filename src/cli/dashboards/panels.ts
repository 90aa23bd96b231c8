// Shared panel factories (the foundation SDK examples' common.ts): every panel reads the
// `datasource` variable, carries a unit and a description, and numbers its queries A, B, C...
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** Grafana's grid: 24 columns. */
export const GRID_WIDTH = 24;

/** Every panel and query points at the dashboard's data source variable (dashboard-linter's panel-datasource-rule). */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** One PromQL query of a panel, with its legend. */
export interface Query {
  expr: string;
  legend: string;
  /**
   * Ask Prometheus for exemplars too: only a query over raw histogram buckets has them (recording
   * rules drop exemplars); Grafana draws each as a point linking to its trace_id.
   */
  exemplar?: boolean;
}

export interface PanelSpec {
  title: string;
  description: string;
  /** A Grafana unit id, e.g. from `@grafana/grafana-foundation-sdk/units`. */
  unit: string;
  queries: readonly Query[];
}

/** A threshold step: the colour from `value` upwards; the first step has value null (base). */
export type Step = dashboard.Threshold;

const refId = (index: number): string => String.fromCharCode(65 + index);

/** A Prometheus range query (time series). */
export function prometheusQuery(q: Query, index: number): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(q.expr)
    .legendFormat(q.legend)
    .refId(refId(index));
  return q.exemplar ? query.exemplar(true) : query;
}

/** A Prometheus instant query in table format: one row per series at the end of the range. */
export function instantQuery(q: Query, index: number): prometheus.DataqueryBuilder {
  return prometheusQuery(q, index).instant().format(prometheus.PromQueryFormat.Table);
}

export function thresholds(steps: Step[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** Green below `limit`, red from it: for error ratios, latencies, lag. */
export const upperLimit = (limit: number): dashboard.ThresholdsConfigBuilder =>
  thresholds([{ value: null, color: 'green' }, { value: limit, color: 'red' }]);

/** Red below `floor`, green from it: for success ratios and SLIs. */
export const lowerLimit = (floor: number): dashboard.ThresholdsConfigBuilder =>
  thresholds([{ value: null, color: 'red' }, { value: floor, color: 'green' }]);

export function timeseries(spec: PanelSpec): TimeseriesBuilder {
  const panel = new TimeseriesBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(new common.VizLegendOptionsBuilder()
      .showLegend(true)
      .displayMode(common.LegendDisplayMode.Table)
      .placement(common.LegendPlacement.Bottom)
      .calcs(['lastNotNull', 'max']))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .span(12)
    .height(8);
  spec.queries.forEach((q, i) => panel.withTarget(prometheusQuery(q, i)));
  return panel;
}

/** A timeseries that draws its thresholds as a dashed line (objective, alert threshold). */
export function timeseriesWithLimit(spec: PanelSpec, limits: dashboard.ThresholdsConfigBuilder): TimeseriesBuilder {
  return timeseries(spec)
    .thresholds(limits)
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
}

export function stat(spec: PanelSpec): StatBuilder {
  const panel = new StatBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area)
    .span(4)
    .height(5);
  spec.queries.forEach((q, i) => panel.withTarget(prometheusQuery(q, i)));
  return panel;
}

/** Horizontal bars of one instant value per series (per-tool shares, costs, SLIs). */
export function barGauge(spec: PanelSpec): BarGaugeBuilder {
  const panel = new BarGaugeBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .min(0)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(12)
    .height(8);
  spec.queries.forEach((q, i) => panel.withTarget(instantQuery(q, i)));
  return panel;
}

/** A table of instant queries, one column per query, merged on their shared labels. */
export function table(spec: PanelSpec): TableBuilder {
  const panel = new TableBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(24)
    .height(8)
    .withTransformation({ id: 'merge', options: {} });
  spec.queries.forEach((q, i) => panel.withTarget(instantQuery(q, i)));
  return panel;
}

/** Names the merged `Value #A`, `Value #B`... columns after their query legends and hides the timestamp. */
export function tableColumns(queries: readonly Query[]): dashboard.DataTransformerConfig {
  const renameByName = Object.fromEntries(queries.map((q, i) => [`Value #${refId(i)}`, q.legend]));
  return { id: 'organize', options: { excludeByName: { Time: true }, renameByName } };
}

/**
 * Spreads a row's panels over the full width, one line, widest first (5 panels: 5+5+5+5+4), so a
 * profile lacking one of them leaves no gap. Panels the profile lacks (false) are dropped.
 */
export function fillWidth<P extends { span(w: number): P }>(panels: readonly (P | false)[]): P[] {
  const present = panels.filter((p): p is P => p !== false);
  const base = Math.floor(GRID_WIDTH / present.length);
  const wider = GRID_WIDTH % present.length;
  return present.map((p, i) => p.span(base + (i < wider ? 1 : 0)));
}

/** A legend naming series by their label values, e.g. `{{tool}} {{status}}`. */
export const legend = (...labels: string[]): string => labels.map((l) => `{{${l}}}`).join(' ');
