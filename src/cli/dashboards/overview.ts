// Fleet overview: health at a glance, SLO status per tool (SLIs against objectives, error budget
// left) and the MCP alerts Prometheus currently holds.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { selector, type MatcherLike } from '../promql/index.js';
import { SLO_LABEL } from '../rules/recorded.js';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import { RANGE } from './expressions.js';
import type { LintExclusion } from './lint.js';
import { fillWidth, legend, lowerLimit, stat, table, tableColumns, thresholds, timeseries, upperLimit, type Query } from './panels.js';
import { RECORDED_EXCLUSION_REASON, type SloKind } from './recorded.js';
import { SCOPE } from './variables.js';
import { PROBE_FAMILIES } from '@mcp-observability/catalog';

/** Prometheus's own series: scrape health per target, and the alerts its rules hold (pending or firing). */
const UP = 'up';
const ALERTS = 'ALERTS';
/** Our alerts, by the Mcp name prefix the rules contract fixes; ALERTS carries alert labels, so only job is matched. */
const MCP_ALERTS: MatcherLike[] = [{ label: 'alertname', op: '=~', value: 'Mcp.*' }, SCOPE[0]];

const TOOL_CALL_RATE_TITLE = 'Tool call rate';
const SERVER_ERROR_RATIO_TITLE = 'Server-caused error ratio';
const SLOWEST_P95_TITLE = 'Slowest tool latency P95';
const SLO_TABLE_TITLE = 'SLO status per tool';
const FIRING_ALERTS_TITLE = 'Firing MCP alerts';
const ALERT_TABLE_TITLE = 'MCP alerts (pending and firing)';

function fleet({ q, recorded: r, config }: DashboardContext): RowSpec {
  return {
    title: 'Fleet',
    panels: fillWidth([
      stat({
        title: 'Targets up',
        description: 'Scrape targets of the selected jobs and instances that Prometheus reaches.',
        unit: units.Short,
        queries: [{ expr: `sum(${selector(UP, [config.selector, ...SCOPE])})`, legend: 'up' }],
      }),
      q.has('toolCalls') && stat({
        title: TOOL_CALL_RATE_TITLE,
        description: 'tools/call requests per second over the last 5 minutes across the selected jobs and tools (recorded per job and tool).',
        unit: units.RequestsPerSecond,
        queries: [{ expr: `sum(${r.perTool('toolCallRate')})`, legend: 'calls' }],
      }),
      q.has('toolCalls', 'toolErrors') && stat({
        title: SERVER_ERROR_RATIO_TITLE,
        description: 'Share of tool calls failing through the server\'s fault over the last 5 minutes, across the selected jobs and tools ' +
          '(recorded per job and tool, weighted by calls). Red at the error-ratio alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: r.perCall('toolServerErrorRatio', 'selection'), legend: 'errors' }],
      }).thresholds(upperLimit(config.errorRatio.max)),
      q.has('toolDuration') && stat({
        title: SLOWEST_P95_TITLE,
        description: 'Highest P95 tools/call duration over the last 5 minutes among the selected jobs and tools (P95 is recorded per job and tool; ' +
          'quantiles do not add up, so the fleet shows its slowest tool). Red at the default latency alert threshold.',
        unit: units.Seconds,
        queries: [{ expr: `max(${r.latency(0.95)})`, legend: 'P95' }],
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
    ]),
  };
}

/** Rounds away binary noise (1 - 0.995 = 0.0050000000000000044) so the JSON shows what the config says. */
const tidy = (n: number): number => Number(n.toPrecision(12));

/** Drops the slo label, so the table's columns (one SLO each) merge on job and tool. */
const withoutSlo = (expr: string): string => `max without (${SLO_LABEL}) (${expr})`;

function sloStatus({ q, recorded: r, config }: DashboardContext): RowSpec {
  const { slo } = config;
  if (!q.has('toolCalls', 'toolErrors', 'toolDuration')) return { title: SLO_TABLE_TITLE, panels: [] };
  /** SLI over the time range: the mean of the recorded 5m SLIs, the same averaging as the period's budget. */
  const sli = (kind: SloKind, legend: string): Query => ({
    expr: `1 - ${withoutSlo(`avg_over_time(${r.sloErrorRatio('5m', kind)}[${RANGE}])`)}`,
    legend,
  });
  const budget = (kind: SloKind, legend: string): Query => ({ expr: withoutSlo(r.perTool('sloBudgetRemaining', kind)), legend });
  const availability = sli('availability', 'Availability SLI');
  const latency = sli('latency', `Latency SLI (<= ${slo.latency.thresholdSeconds}s)`);
  const budgets = [budget('availability', `Availability budget left (${slo.period})`), budget('latency', `Latency budget left (${slo.period})`)];
  const queries = [availability, latency, ...budgets];
  const budgetColours = cellThresholds(thresholds([{ value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }]));
  const panel = table({
    title: SLO_TABLE_TITLE,
    description: `Per job and tool: availability SLI (calls not failed by the server) and latency SLI (calls within ` +
      `${slo.latency.thresholdSeconds}s) over the time range, coloured against their objectives ` +
      `(${tidy(slo.availability * 100)}% and ${tidy(slo.latency.objective * 100)}%), and the share of each SLO's ` +
      `error budget left over the ${slo.period} SLO period (negative: overspent). All read the SLO recording rules: ` +
      `an SLI here is the mean of the 5-minute SLIs over the time range (not weighted by traffic, as the budget's period ratio).`,
    unit: units.PercentUnit,
    queries,
  })
    .withTransformation(tableColumns(queries))
    .overrideByName(availability.legend, cellThresholds(lowerLimit(slo.availability)))
    .overrideByName(latency.legend, cellThresholds(lowerLimit(slo.latency.objective)));
  for (const b of budgets) panel.overrideByName(b.legend, budgetColours);
  return { title: SLO_TABLE_TITLE, panels: [panel] };
}

/** Colours a table column's cells by its own thresholds. */
function cellThresholds(limits: { build(): unknown }): { id: string; value: unknown }[] {
  return [
    { id: 'thresholds', value: limits.build() },
    { id: 'custom.cellOptions', value: { type: 'color-background' } },
  ];
}

const probeSeries = (name: string): string => PROBE_FAMILIES.find((f) => f.name === name)!.name;
const PROBE_SUCCESS_TITLE = 'Probe success per target';
const PROBE_PHASES_TITLE = 'Probe phase durations';
const PROBE_TOOLS_TITLE = 'Tools listed per target';

/**
 * The probe command's series (one set per probed target, `instance` = the target URL). They come
 * from the prober's job, not the servers', so the job and instance variables do not filter them.
 */
function syntheticChecks(): RowSpec {
  return {
    title: 'Synthetic checks',
    panels: fillWidth([
      timeseries({
        title: PROBE_SUCCESS_TITLE,
        description: '1 when the last synthetic session against the target (handshake, tools/list, optional tool call) succeeded, 0 when a phase failed (mcp-observability probe).',
        unit: units.Short,
        queries: [{ expr: `max by (job, instance) (${probeSeries('probe_success')})`, legend: legend('instance') }],
      }),
      timeseries({
        title: PROBE_PHASES_TITLE,
        description: 'How long each phase of the last probe took, per target: handshake (initialize or server/discover), tools_list, tool_call.',
        unit: units.Seconds,
        queries: [{ expr: `max by (job, instance, phase) (${probeSeries('probe_mcp_phase_duration_seconds')})`, legend: '{{instance}} {{phase}}' }],
      }),
      timeseries({
        title: PROBE_TOOLS_TITLE,
        description: 'Tools each target lists in tools/list; McpProbeToolsChanged fires when their definitions change.',
        unit: units.Short,
        queries: [{ expr: `max by (job, instance) (${probeSeries('probe_mcp_tools')})`, legend: legend('instance') }],
      }),
    ]),
  };
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
  rows: (ctx) => [fleet(ctx), sloStatus(ctx), syntheticChecks(), alerts()],
};

/** Panels whose queries deliberately skip the instance matcher (dashboard-linter exclusions, with reasons). */
export const OVERVIEW_LINT_EXCLUSIONS: readonly LintExclusion[] = [
  ...[TOOL_CALL_RATE_TITLE, SERVER_ERROR_RATIO_TITLE, SLOWEST_P95_TITLE, SLO_TABLE_TITLE].map((panel) => ({
    rule: 'target-instance-rule' as const, panel, reason: RECORDED_EXCLUSION_REASON })),
  ...[PROBE_SUCCESS_TITLE, PROBE_PHASES_TITLE, PROBE_TOOLS_TITLE].flatMap((panel) => (['target-job-rule', 'target-instance-rule'] as const).map((rule) => ({
    rule, panel, reason: 'Probe series come from the prober\'s job, one set per probed target: the servers\' job and instance variables do not apply.' }))),
  ...[FIRING_ALERTS_TITLE, ALERT_TABLE_TITLE].map((panel) => ({
    rule: 'target-instance-rule' as const,
    panel,
    reason: 'ALERTS carries the labels an alert kept; alerts aggregated per job or tool have no instance label and must still show.',
  })),
];
