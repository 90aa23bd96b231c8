// Performance & reliability: traffic, tool latency quantiles, errors split by who caused them,
// JSON-RPC error codes, handshakes and message sizes.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { sumBy } from '../promql/index.js';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import { exemplarsOf, RATE_INTERVAL } from './expressions.js';
import type { LintExclusion } from './lint.js';
import { legend, timeseries, timeseriesWithLimit, upperLimit, lowerLimit } from './panels.js';
import { RECORDED_EXCLUSION_REASON } from './recorded.js';
import { TOOL_FILTER } from './variables.js';

const TOOL_CALL_RATE_TITLE = 'Tool call rate by tool';
const latencyTitle = (quantile: string): string => `Tool latency ${quantile} by tool`;
const SERVER_ERROR_RATIO_TITLE = 'Server-caused tool error ratio by tool';
const CALLER_ERROR_RATIO_TITLE = 'Caller-caused tool error ratio by tool';
const REQUEST_RATE_TITLE = 'JSON-RPC requests by method';
const JSONRPC_ERROR_RATE_TITLE = 'JSON-RPC errors by code';
const HANDSHAKE_SUCCESS_TITLE = 'Handshake success ratio by transport';
const MESSAGE_SIZE_TITLE = 'Message size P95 by direction and type';
const MESSAGE_RATE_TITLE = 'Messages per second by direction and type';
export const EXEMPLAR_LATENCY_TITLE = 'Slow tool calls: P99 with trace exemplars';

const QUANTILES = [
  { q: 0.5, name: 'P50', span: 8 },
  { q: 0.95, name: 'P95', span: 8 },
  { q: 0.99, name: 'P99', span: 8 },
] as const;

const IN_FLIGHT_BY_METHOD_TITLE = 'In-flight requests by method';
const PROTOCOL_VERSIONS_TITLE = 'Requests by protocol version';
const IN_FLIGHT_BY_TOOL_TITLE = 'In-flight tool calls by tool';

function traffic({ q, recorded: r }: DashboardContext): RowSpec {
  return {
    title: 'Traffic',
    panels: [
      q.has('toolCalls') && timeseries({
        title: TOOL_CALL_RATE_TITLE,
        description: 'tools/call requests per second over 5-minute windows, per tool (recorded per job and tool, summed over the selected jobs).',
        unit: units.RequestsPerSecond,
        queries: [{ expr: sumBy([r.toolLabel], r.perTool('toolCallRate')), legend: legend(r.toolLabel) }],
      }),
      q.has('requests') && timeseries({
        title: REQUEST_RATE_TITLE,
        description: 'All JSON-RPC requests per second over 5-minute windows, per MCP method (initialize, tools/list, tools/call, ...), across the selected jobs (recorded per job).',
        unit: units.RequestsPerSecond,
        queries: [{ expr: sumBy(q.labels('requests', ['method']), r.perJob('requestRate')), legend: legend(q.label('requests', 'method')) }],
      }),
      // Recorded per job: raw, the otel profile's reads every operation series (3 s at 1,000 servers).
      r.has('protocolVersionRequestRate') && timeseries({
        title: PROTOCOL_VERSIONS_TITLE,
        description: 'JSON-RPC requests per second over 5 minutes by the MCP protocol version they were served under (the negotiated version; none before initialize), recorded per job.',
        unit: units.RequestsPerSecond,
        queries: [{ expr: sumBy(q.labels('requestProtocolVersions', ['protocolVersion']), r.perJob('protocolVersionRequestRate')),
          legend: legend(q.label('requestProtocolVersions', 'protocolVersion')) }],
      }),
      // Recorded per job: raw, these read every instance × method × tool.
      q.has('requestsInFlight') && timeseries({
        title: IN_FLIGHT_BY_METHOD_TITLE,
        description: 'JSON-RPC requests received and not yet answered, per MCP method: a queue building up shows here before latency does.',
        unit: units.Short,
        queries: [{ expr: sumBy(q.labels('requestsInFlight', ['method']), r.perJob('requestsInFlight')), legend: legend(q.label('requestsInFlight', 'method')) }],
      }),
      q.has('requestsInFlight') && timeseries({
        title: IN_FLIGHT_BY_TOOL_TITLE,
        description: 'tools/call requests running now, per tool (the selected tools).',
        unit: units.Short,
        queries: [{ expr: sumBy([r.toolLabel], r.perTool('toolCallsInFlight')), legend: legend(r.toolLabel) }],
      }),
    ],
  };
}

function latency({ q, recorded: r, config }: DashboardContext): RowSpec {
  return {
    title: 'Tool latency',
    panels: [
      ...QUANTILES.map(({ q: quantile, name, span }) => q.has('toolDuration') && timeseriesWithLimit({
        title: latencyTitle(name),
        description: `${name} of tools/call duration per job and tool over 5-minute windows, recorded from the latency histogram ` +
          `(quantiles of different jobs do not add up, so each job's tool is its own line). The dashed line is the default latency alert threshold.`,
        unit: units.Seconds,
        queries: [{ expr: r.latency(quantile), legend: legend(r.toolLabel, 'job', ...config.aggregationLabels) }],
      }, upperLimit(config.defaultToolLatency.thresholdSeconds)).span(span)),
      // Recorded series carry no exemplars: the line is the recorded P99, the exemplars come from
      // the raw buckets' selector (each exemplar point is one real call, its trace_id opens the trace, docs/tracing.md).
      q.has('toolDuration') && timeseriesWithLimit({
        title: EXEMPLAR_LATENCY_TITLE,
        description: 'P99 of tools/call duration per job and tool over 5-minute windows (recorded), with exemplars from the raw histogram: ' +
          'each point is one sampled call; hover it and follow trace_id to the trace (Jaeger) and its log lines (VictoriaLogs). ' +
          'Exemplars need Prometheus with exemplar storage scraping OpenMetrics.',
        unit: units.Seconds,
        queries: [
          { expr: r.latency(0.99), legend: legend(r.toolLabel, 'job', ...config.aggregationLabels) },
          { expr: exemplarsOf(q.selectExported('toolDuration', { part: 'bucket', where: TOOL_FILTER })), legend: 'exemplars', exemplar: true },
        ],
      }, upperLimit(config.defaultToolLatency.thresholdSeconds)).span(24),
    ],
  };
}

function errors({ q, recorded: r, config }: DashboardContext): RowSpec {
  const hasToolErrors = q.has('toolErrors', 'toolCalls');
  const tool = hasToolErrors ? legend(q.label('toolCalls', 'tool')) : '';
  return {
    title: 'Errors',
    panels: [
      hasToolErrors && timeseriesWithLimit({
        title: SERVER_ERROR_RATIO_TITLE,
        description: 'Share of tool calls that failed through the server\'s fault (tool errors, internal errors, timeouts) over 5-minute windows: ' +
          'what availability SLOs count (recorded per job and tool, weighted by calls). The dashed line is the error-ratio alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: r.perCall('toolServerErrorRatio', 'tool'), legend: tool }],
      }, upperLimit(config.errorRatio.max)),
      hasToolErrors && timeseries({
        title: CALLER_ERROR_RATIO_TITLE,
        description: 'Share of tool calls that failed through the caller\'s fault (invalid arguments, unknown tool) over 5-minute windows: ' +
          'a client or agent problem, not counted against the server\'s SLO (recorded per job and tool, weighted by calls).',
        unit: units.PercentUnit,
        queries: [{ expr: r.perCall('toolCallerErrorRatio', 'tool'), legend: tool }],
      }),
      q.has('jsonrpcErrors') && timeseries({
        title: JSONRPC_ERROR_RATE_TITLE,
        description: 'JSON-RPC error responses per second over 5-minute windows by error code, across the selected jobs (recorded per job): ' +
          '-32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params, -32603 internal error.',
        unit: units.OpsPerSecond,
        queries: [{ expr: sumBy(q.labels('jsonrpcErrors', ['code']), r.perJob('jsonrpcErrorRate')), legend: legend(q.label('jsonrpcErrors', 'code')) }],
      }),
      q.has('handshakes') && timeseriesWithLimit({
        title: HANDSHAKE_SUCCESS_TITLE,
        description: 'Share of initialize (or server/discover) handshakes that succeeded over 5-minute windows, per transport, ' +
          'across the selected jobs (recorded per job and transport, weighted by handshakes). The dashed line is the lower of the stdio and HTTP objectives.',
        unit: units.PercentUnit,
        queries: [{ expr: r.handshakeSuccess(q.label('handshakes', 'transport')), legend: legend(q.label('handshakes', 'transport')) }],
      }, lowerLimit(Math.min(config.handshake.stdio, config.handshake.http))),
    ],
  };
}

function messages({ q, recorded: r }: DashboardContext): RowSpec {
  const by = q.has('messageSize') ? q.labels('messageSize', ['direction', 'messageType']) : [];
  const labels = legend(...by);
  return {
    title: 'Messages',
    panels: [
      q.has('messageSize') && timeseries({
        title: MESSAGE_SIZE_TITLE,
        description: 'P95 size of JSON-RPC messages over 5-minute windows, by direction (in/out) and type (request, response, notification, error), ' +
          'across the selected jobs (from the size histogram\'s bucket rates, recorded per job).',
        unit: units.BytesIEC,
        queries: [{ expr: r.quantile(0.95, 'messageSizeBuckets', by), legend: labels }],
      }),
      q.has('messageSize') && timeseries({
        title: MESSAGE_RATE_TITLE,
        description: 'JSON-RPC messages per second over 5-minute windows, by direction (in/out) and type (recorded per job).',
        unit: units.OpsPerSecond,
        queries: [{ expr: r.count('messageSizeBuckets', by), legend: labels }],
      }),
    ],
  };
}

export const performance: DashboardSpec = {
  name: 'performance',
  title: 'Performance & reliability',
  description: 'Call rates, requests in flight, tool latency quantiles, error ratios (caller vs server), JSON-RPC errors, handshakes and message sizes.',
  rows: (ctx) => [traffic(ctx), latency(ctx), errors(ctx), messages(ctx)],
};

/** Panels reading recorded series, which carry no instance label (dashboard-linter exclusions, with reasons). */
export const PERFORMANCE_LINT_EXCLUSIONS: readonly LintExclusion[] =
  [TOOL_CALL_RATE_TITLE, IN_FLIGHT_BY_METHOD_TITLE, IN_FLIGHT_BY_TOOL_TITLE, ...QUANTILES.map((q) => latencyTitle(q.name)), EXEMPLAR_LATENCY_TITLE, SERVER_ERROR_RATIO_TITLE, CALLER_ERROR_RATIO_TITLE,
    REQUEST_RATE_TITLE, JSONRPC_ERROR_RATE_TITLE, HANDSHAKE_SUCCESS_TITLE, MESSAGE_SIZE_TITLE, MESSAGE_RATE_TITLE, PROTOCOL_VERSIONS_TITLE]
    .map((panel) => ({ rule: 'target-instance-rule', panel, reason: RECORDED_EXCLUSION_REASON }));
