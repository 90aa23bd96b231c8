// Security & audit: authentication failures, requests rejected before the transport, probing
// (method-not-found bursts, calls to unknown tools), redactions and the audit trail.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { OVERFLOW_VALUE } from '../catalog/index.js';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import { failureRatio, RATE_INTERVAL } from './expressions.js';
import { legend, timeseries, timeseriesWithLimit, upperLimit } from './panels.js';

/** JSON-RPC "method not found": a client trying methods the server does not offer. */
const METHOD_NOT_FOUND = '-32601';

function admission({ q }: DashboardContext): RowSpec {
  return {
    title: 'Authentication & admission',
    panels: [
      q.has('authFailures') && timeseries({
        title: 'Authentication failures by reason',
        description: 'Rejected authentication attempts per second, by reason (missing, malformed, expired, bad signature, insufficient scope).',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('authFailures', RATE_INTERVAL, { by: ['reason'] }), legend: legend(q.label('authFailures', 'reason')) }],
      }),
      q.has('rejectedRequests') && timeseries({
        title: 'Rejected requests by reason',
        description: 'HTTP requests rejected before reaching the MCP transport, per second, by reason (bad host or origin, rate limited, unknown session, ...).',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('rejectedRequests', RATE_INTERVAL, { by: ['reason'] }), legend: legend(q.label('rejectedRequests', 'reason')) }],
      }),
    ],
  };
}

function probing({ perInstance: q, config }: DashboardContext): RowSpec {
  return {
    title: 'Probing',
    panels: [
      q.has('jsonrpcErrors') && timeseriesWithLimit({
        title: 'Method-not-found (-32601) responses per instance',
        description: 'JSON-RPC -32601 responses per second: a client walking method names it was never offered. ' +
          'The dashed line is the probing alert threshold.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('jsonrpcErrors', RATE_INTERVAL, { where: { code: METHOD_NOT_FOUND } }), legend: legend('instance') }],
      }, upperLimit(config.probing.methodNotFoundPerSecond)),
      q.has('toolCalls') && timeseries({
        title: 'Calls to unknown tool names per instance',
        description: `tools/call requests naming a tool the server does not register, per second. Such names collapse to ` +
          `"${OVERFLOW_VALUE}" to bound cardinality; the audit log keeps the names actually sent.`,
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('toolCalls', RATE_INTERVAL, { where: { tool: OVERFLOW_VALUE } }), legend: legend('instance') }],
      }),
    ],
  };
}

function audit({ q }: DashboardContext): RowSpec {
  return {
    title: 'Redaction & audit',
    panels: [
      q.has('redactions') && timeseries({
        title: 'Redactions by detector',
        description: 'Sensitive values redacted from logs and audit lines per second, by detector.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('redactions', RATE_INTERVAL, { by: ['detector'] }), legend: legend(q.label('redactions', 'detector')) }],
      }).span(8),
      q.has('auditRecords') && timeseries({
        title: 'Audit records by outcome',
        description: 'Audit-trail records written per second, by outcome.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('auditRecords', RATE_INTERVAL, { by: ['outcome'] }), legend: legend(q.label('auditRecords', 'outcome')) }],
      }).span(8),
      q.has('auditRecords') && timeseries({
        title: 'Audit write failure ratio',
        description: 'Share of audit records that failed to be written: anything above zero is a gap in the audit trail.',
        unit: units.PercentUnit,
        queries: [{
          expr: failureRatio(q.rate('auditRecords', RATE_INTERVAL, { subset: 'failed' }), q.rate('auditRecords', RATE_INTERVAL)),
          legend: 'failed',
        }],
      }).span(8),
    ],
  };
}

export const security: DashboardSpec = {
  name: 'security',
  title: 'Security & audit',
  description: 'Authentication failures, rejected requests, probing (-32601 bursts, unknown tool names), redactions and audit records.',
  rows: (ctx) => [admission(ctx), probing(ctx), audit(ctx)],
};
