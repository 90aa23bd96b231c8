// Performance & reliability: traffic, tool latency quantiles, errors split by who caused them,
// JSON-RPC error codes, handshakes and message sizes.
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import { failureRatio, RATE_INTERVAL, successRatio } from './expressions.js';
import { legend, timeseries, timeseriesWithLimit, upperLimit, lowerLimit } from './panels.js';
import { TOOL_FILTER } from './variables.js';

const QUANTILES = [
  { q: 0.5, name: 'P50', span: 8 },
  { q: 0.95, name: 'P95', span: 8 },
  { q: 0.99, name: 'P99', span: 8 },
] as const;

function traffic({ q }: DashboardContext): RowSpec {
  return {
    title: 'Traffic',
    panels: [
      q.has('toolCalls') && timeseries({
        title: 'Tool call rate by tool',
        description: 'tools/call requests per second, per tool.',
        unit: units.RequestsPerSecond,
        queries: [{ expr: q.rate('toolCalls', RATE_INTERVAL, { by: ['tool'], where: TOOL_FILTER }), legend: legend(q.label('toolCalls', 'tool')) }],
      }),
      q.has('requests') && timeseries({
        title: 'JSON-RPC requests by method',
        description: 'All JSON-RPC requests per second, per MCP method (initialize, tools/list, tools/call, ...).',
        unit: units.RequestsPerSecond,
        queries: [{ expr: q.rate('requests', RATE_INTERVAL, { by: ['method'] }), legend: legend(q.label('requests', 'method')) }],
      }),
    ],
  };
}

function latency({ q, config }: DashboardContext): RowSpec {
  const tool = q.has('toolDuration') ? q.label('toolDuration', 'tool') : '';
  return {
    title: 'Tool latency',
    panels: QUANTILES.map(({ q: quantile, name, span }) => q.has('toolDuration') && timeseriesWithLimit({
      title: `Tool latency ${name} by tool`,
      description: `${name} of tools/call duration per tool, from the latency histogram over the rate window. ` +
        `The dashed line is the default latency alert threshold.`,
      unit: units.Seconds,
      queries: [{ expr: q.quantile(quantile, 'toolDuration', RATE_INTERVAL, { by: ['tool'], where: TOOL_FILTER }), legend: legend(tool) }],
    }, upperLimit(config.defaultToolLatency.thresholdSeconds)).span(span)),
  };
}

function errors({ q, config }: DashboardContext): RowSpec {
  const toolErrorRatio = (subset: 'callerFailed' | 'serverFailed'): string => failureRatio(
    q.rate('toolErrors', RATE_INTERVAL, { by: ['tool'], subset, where: TOOL_FILTER }),
    q.rate('toolCalls', RATE_INTERVAL, { by: ['tool'], where: TOOL_FILTER }));
  const hasToolErrors = q.has('toolErrors', 'toolCalls');
  const tool = hasToolErrors ? legend(q.label('toolCalls', 'tool')) : '';
  return {
    title: 'Errors',
    panels: [
      hasToolErrors && timeseriesWithLimit({
        title: 'Server-caused tool error ratio by tool',
        description: 'Share of tool calls that failed through the server\'s fault (tool errors, internal errors, timeouts): ' +
          'what availability SLOs count. The dashed line is the error-ratio alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: toolErrorRatio('serverFailed'), legend: tool }],
      }, upperLimit(config.errorRatio.max)),
      hasToolErrors && timeseries({
        title: 'Caller-caused tool error ratio by tool',
        description: 'Share of tool calls that failed through the caller\'s fault (invalid arguments, unknown tool): ' +
          'a client or agent problem, not counted against the server\'s SLO.',
        unit: units.PercentUnit,
        queries: [{ expr: toolErrorRatio('callerFailed'), legend: tool }],
      }),
      q.has('jsonrpcErrors') && timeseries({
        title: 'JSON-RPC errors by code',
        description: 'JSON-RPC error responses per second by error code: -32700 parse error, -32600 invalid request, ' +
          '-32601 method not found, -32602 invalid params, -32603 internal error.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('jsonrpcErrors', RATE_INTERVAL, { by: ['code'] }), legend: legend(q.label('jsonrpcErrors', 'code')) }],
      }),
      q.has('handshakes') && timeseriesWithLimit({
        title: 'Handshake success ratio by transport',
        description: 'Share of initialize handshakes that succeeded, per transport. ' +
          'The dashed line is the lower of the stdio and HTTP objectives.',
        unit: units.PercentUnit,
        queries: [{
          expr: successRatio(
            q.rate('handshakes', RATE_INTERVAL, { by: ['transport'], subset: 'failed' }),
            q.rate('handshakes', RATE_INTERVAL, { by: ['transport'] })),
          legend: legend(q.label('handshakes', 'transport')),
        }],
      }, lowerLimit(Math.min(config.handshake.stdio, config.handshake.http))),
    ],
  };
}

function messages({ q }: DashboardContext): RowSpec {
  const labels = q.has('messageSize') ? legend(...q.labels('messageSize', ['direction', 'messageType'])) : '';
  return {
    title: 'Messages',
    panels: [
      q.has('messageSize') && timeseries({
        title: 'Message size P95 by direction and type',
        description: 'P95 size of JSON-RPC messages, by direction (in/out) and type (request, response, notification, error).',
        unit: units.BytesIEC,
        queries: [{ expr: q.quantile(0.95, 'messageSize', RATE_INTERVAL, { by: ['direction', 'messageType'] }), legend: labels }],
      }),
      q.has('messageSize') && timeseries({
        title: 'Messages per second by direction and type',
        description: 'JSON-RPC messages per second, by direction (in/out) and type.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('messageSize', RATE_INTERVAL, { by: ['direction', 'messageType'], part: 'count' }), legend: labels }],
      }),
    ],
  };
}

export const performance: DashboardSpec = {
  name: 'performance',
  title: 'Performance & reliability',
  description: 'Call rates, tool latency quantiles, error ratios (caller vs server), JSON-RPC errors, handshakes and message sizes.',
  rows: (ctx) => [traffic(ctx), latency(ctx), errors(ctx), messages(ctx)],
};
