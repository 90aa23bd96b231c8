// Fleet overview: health at a glance, SLO status per tool (SLIs against objectives, error budget
// left) and the MCP alerts Prometheus currently holds.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { ratio, selector, type MatcherLike } from '../promql/index.js';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import { failureRatio, RANGE, RATE_INTERVAL, successRatio, sumIncrease } from './expressions.js';
import { legend, lowerLimit, stat, table, tableColumns, thresholds, upperLimit, type Query } from './panels.js';
import { SCOPE, TOOL_FILTER } from './variables.js';

/** Prometheus's own series: scrape health per target, and the alerts its rules hold (pending or firing). */
const UP = 'up';
const ALERTS = 'ALERTS';
/** Our alerts, by the Mcp name prefix the rules contract fixes; ALERTS carries alert labels, so only job is matched. */
const MCP_ALERTS: MatcherLike[] = [{ label: 'alertname', op: '=~', value: 'Mcp.*' }, SCOPE[0]];

export const FIRING_ALERTS_TITLE = 'Firing MCP alerts';
export const ALERT_TABLE_TITLE = 'MCP alerts (pending and firing)';

function fleet({ q, config }: DashboardContext): RowSpec {
  const calls = (): string => q.rate('toolCalls', RATE_INTERVAL, { where: TOOL_FILTER });
  return {
    title: 'Fleet',
    panels: [
      stat({
        title: 'Targets up',
        description: 'Scrape targets of the selected jobs and instances that Prometheus reaches.',
        unit: units.Short,
        queries: [{ expr: `sum(${selector(UP, [...SCOPE])})`, legend: 'up' }],
      }),
      q.has('toolCalls') && stat({
        title: 'Tool call rate',
        description: 'tools/call requests per second across the selected servers and tools.',
        unit: units.RequestsPerSecond,
        queries: [{ expr: calls(), legend: 'calls' }],
      }),
      q.has('toolCalls', 'toolErrors') && stat({
        title: 'Server-caused error ratio',
        description: 'Share of tool calls failing through the server\'s fault. Red at the error-ratio alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: failureRatio(q.rate('toolErrors', RATE_INTERVAL, { subset: 'serverFailed', where: TOOL_FILTER }), calls()), legend: 'errors' }],
      }).thresholds(upperLimit(config.errorRatio.max)),
      q.has('toolDuration') && stat({
        title: 'Tool latency P95',
        description: 'P95 tools/call duration across the selected servers and tools. Red at the default latency alert threshold.',
        unit: units.Seconds,
        queries: [{ expr: q.quantile(0.95, 'toolDuration', RATE_INTERVAL, { where: TOOL_FILTER }), legend: 'P95' }],
      }).thresholds(upperLimit(config.defaultToolLatency.thresholdSeconds)),
      q.has('activeSessions') && stat({
        title: 'Open sessions',
        description: 'MCP sessions currently connected.',
        unit: units.Short,
        queries: [{ expr: q.gauge('activeSessions'), legend: 'sessions' }],
      }),
      stat({
        title: FIRING_ALERTS_TITLE,
        description: 'MCP alerts firing now for the selected jobs.',
        unit: units.Short,
        queries: [{ expr: `count(${selector(ALERTS, [...MCP_ALERTS, 'alertstate="firing"'])}) or vector(0)`, legend: 'firing' }],
      }).thresholds(upperLimit(1)),
    ],
  };
}

/** Rounds away binary noise (1 - 0.995 = 0.0050000000000000044) so the JSON shows what the config says. */
const tidy = (n: number): number => Number(n.toPrecision(12));

function sloStatus({ q, config }: DashboardContext): RowSpec {
  const { slo } = config;
  const title = 'SLO status per tool';
  if (!q.has('toolCalls', 'toolErrors', 'toolDuration')) return { title, panels: [] };
  const byTool = { by: ['tool'] as const, where: TOOL_FILTER };
  const serverErrors = (window: string): string => sumIncrease(q, 'toolErrors', window, { ...byTool, subset: 'serverFailed' });
  const calls = (window: string): string => sumIncrease(q, 'toolCalls', window, byTool);
  /** Bucket boundary of the latency objective; `(\.0)?` matches Prometheus 2 and 3 spellings of `le`. */
  const fast: MatcherLike = { label: 'le', op: '=~', value: `${slo.latency.thresholdSeconds}(\\.0)?` };
  const availability: Query = { expr: successRatio(serverErrors(RANGE), calls(RANGE)), legend: 'Availability SLI' };
  const latency: Query = {
    expr: ratio(
      sumIncrease(q, 'toolDuration', RANGE, { ...byTool, part: 'bucket', extra: [fast] }),
      sumIncrease(q, 'toolDuration', RANGE, { ...byTool, part: 'count' })),
    legend: `Latency SLI (<= ${slo.latency.thresholdSeconds}s)`,
  };
  const budget: Query = {
    expr: `1 - ${failureRatio(serverErrors(slo.period), calls(slo.period))} / ${tidy(1 - slo.availability)}`,
    legend: `Error budget remaining (${slo.period})`,
  };
  const queries = [availability, latency, budget];
  return {
    title,
    panels: [
      table({
        title,
        description: `Per tool: availability SLI (calls not failed by the server) and latency SLI (calls within ` +
          `${slo.latency.thresholdSeconds}s) over the time range, coloured against their objectives ` +
          `(${tidy(slo.availability * 100)}% and ${tidy(slo.latency.objective * 100)}%), and the share of the availability ` +
          `error budget left over the ${slo.period} SLO period (negative: overspent).`,
        unit: units.PercentUnit,
        queries,
      })
        .withTransformation(tableColumns(queries))
        .overrideByName(availability.legend, cellThresholds(lowerLimit(slo.availability)))
        .overrideByName(latency.legend, cellThresholds(lowerLimit(slo.latency.objective)))
        .overrideByName(budget.legend, cellThresholds(thresholds([
          { value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }]))),
    ],
  };
}

/** Colours a table column's cells by its own thresholds. */
function cellThresholds(limits: { build(): unknown }): { id: string; value: unknown }[] {
  return [
    { id: 'thresholds', value: limits.build() },
    { id: 'custom.cellOptions', value: { type: 'color-background' } },
  ];
}

function alerts(): RowSpec {
  return {
    title: 'Alerts',
    panels: [
      table({
        title: ALERT_TABLE_TITLE,
        description: 'Alerts named Mcp* that Prometheus holds now, with their labels. Runbooks are linked from each alert\'s runbook_url annotation in Alertmanager.',
        unit: units.Short,
        queries: [{ expr: selector(ALERTS, MCP_ALERTS), legend: legend('alertname') }],
      }).withTransformation({ id: 'organize', options: { excludeByName: { Time: true, Value: true, __name__: true } } }),
    ],
  };
}

export const overview: DashboardSpec = {
  name: 'overview',
  title: 'Fleet overview',
  description: 'Fleet health at a glance, SLO status per tool (SLIs against objectives, error budget left) and MCP alerts.',
  rows: (ctx) => [fleet(ctx), sloStatus(ctx), alerts()],
};

/** Panels whose queries deliberately skip the instance matcher (dashboard-linter exclusions, with reasons). */
export const OVERVIEW_LINT_EXCLUSIONS = [FIRING_ALERTS_TITLE, ALERT_TABLE_TITLE].map((panel) => ({
  rule: 'target-instance-rule' as const,
  panel,
  reason: 'ALERTS carries the labels an alert kept; alerts aggregated per job or tool have no instance label and must still show.',
}));
