// Security & audit: authentication failures, requests rejected before the transport, probing
// (method-not-found bursts, unknown tool names per client), tool-definition drift and the tool
// count, response sizes and truncation, redactions by detector and location, and the audit trail.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { OVERFLOW_VALUE } from '@mcp-observability/catalog';
import { aggregate, ratioOrZero, sumBy, type Aggregation } from '../promql/index.js';
import type { DashboardContext, DashboardSpec, MaybePanel, RowSpec } from './dashboard.js';
import { RATE_INTERVAL } from './expressions.js';
import type { LintExclusion } from './lint.js';
import { legend, stat, table, tableColumns, timeseries, timeseriesWithLimit, upperLimit } from './panels.js';
import { RECORDED_EXCLUSION_REASON } from './recorded.js';

const RESPONSE_SIZE_TITLE = 'Tool response size P95 by tool';
const TRUNCATED_TITLE = 'Truncated responses by tool';
const THROTTLED_BY_TOOL_TITLE = 'Throttled tool calls by tool and limit';
const DEFINITION_CHANGES_TITLE = 'Tool definition changes at run time';
const FINGERPRINTS_TITLE = 'Tool definition fingerprints';

/** JSON-RPC "method not found": a client trying methods the server does not offer. */
const METHOD_NOT_FOUND = '-32601';

function admission({ q, perInstance, config }: DashboardContext): RowSpec {
  return {
    title: 'Authentication & admission',
    panels: [
      q.has('authFailures') && timeseries({
        title: 'Authentication failures by reason',
        description: 'Rejected authentication attempts per second, by reason (missing, malformed, bad signature, expired, not yet valid, wrong issuer or audience, insufficient scope).',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('authFailures', RATE_INTERVAL, { by: ['reason'] }), legend: legend(q.label('authFailures', 'reason')) }],
      }).span(8),
      q.has('authFailures') && timeseries({
        title: 'Authentication failures by client',
        description: `Rejected authentication attempts per second, by OAuth client id. Only tokens whose signature verified name a client (expired, wrong audience, missing scope); forged, malformed and missing tokens are "${OVERFLOW_VALUE}".`,
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('authFailures', RATE_INTERVAL, { by: ['clientName', 'reason'] }),
          legend: legend(q.label('authFailures', 'clientName'), q.label('authFailures', 'reason')) }],
      }).span(8),
      q.has('authFailures') && timeseriesWithLimit({
        title: 'Authentication failures per instance',
        description: 'Rejected authentication attempts per second per instance; the dashed line is the burst alert threshold.',
        unit: units.OpsPerSecond,
        queries: [{ expr: perInstance.rate('authFailures', RATE_INTERVAL), legend: legend('instance') }],
      }, upperLimit(config.authFailures.perSecond)).span(8),
      q.has('rejectedRequests') && timeseries({
        title: 'Rejected requests by reason',
        description: 'HTTP requests rejected before reaching the MCP transport, per second, by reason (bad host or origin, rate limited, unknown session, ...).',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('rejectedRequests', RATE_INTERVAL, { by: ['reason'] }), legend: legend(q.label('rejectedRequests', 'reason')) }],
      }),
    ],
  };
}

function probing({ perInstance: q, recorded: r, config }: DashboardContext): RowSpec {
  // Recorded per instance and client over 5m (the probing alert's window): raw, these panels read every instance × client.
  // One line per client, not per instance and client: a thousand servers draw a thousand lines, and the result alone took ~0.8 s.
  const unknownRequests = (kind: 'tool' | 'method', op: Aggregation) => aggregate(op, [q.label('unknownRequests', 'clientName')],
    r.perInstance('unknownRequestRate', [{ label: q.label('unknownRequests', 'kind'), op: '=', value: kind }]));
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
      q.has('unknownRequests') && timeseriesWithLimit({
        title: 'Unknown tool names per client',
        description: 'tools/call requests naming a tool the server does not have, per second over 5 minutes, by client ' +
          `(clientInfo name; unknown names beyond the known set are "${OVERFLOW_VALUE}"), on the instance where the client sends most of them. ` +
          'The dashed line is the probing alert threshold (per instance and client).',
        unit: units.OpsPerSecond,
        queries: [{ expr: unknownRequests('tool', 'max'),
          legend: legend(q.label('unknownRequests', 'clientName')) }],
      }, upperLimit(config.probing.unknownToolsPerSecond)),
      q.has('unknownRequests') && timeseries({
        title: 'Unknown methods per client',
        description: 'Requests for JSON-RPC methods the server does not implement (-32601), per second over 5 minutes, by client (all selected instances).',
        unit: units.OpsPerSecond,
        queries: [{ expr: unknownRequests('method', 'sum'),
          legend: legend(q.label('unknownRequests', 'clientName')) }],
      }),
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

function audit({ q, config }: DashboardContext): RowSpec {
  return {
    title: 'Redaction & audit',
    panels: [
      q.has('redactions') && timeseriesWithLimit({
        title: 'Redactions by detector and location',
        description: 'Sensitive values redacted per second, by detector and location (input: tool arguments in audit lines; output: tool results sent to clients; log: log lines). ' +
          'The dashed line is the redaction-spike alert threshold (per instance, detector and location).',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('redactions', RATE_INTERVAL, { by: ['detector', 'location'] }),
          legend: legend(q.label('redactions', 'detector'), q.label('redactions', 'location')) }],
      }, upperLimit(config.redactions.perSecond)).span(8),
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
          expr: ratioOrZero(q.rate('auditRecords', RATE_INTERVAL, { subset: 'failed' }), q.rate('auditRecords', RATE_INTERVAL)),
          legend: 'failed',
        }],
      }).span(8),
    ],
  };
}

function toolDefinitions({ q, recorded: r, perInstance, config }: DashboardContext): RowSpec {
  return {
    title: 'Tool definitions',
    panels: [
      q.has('registeredTools') && stat({
        title: 'Registered tools',
        description: `Tools offered in tools/list, highest instance. Model tool-selection accuracy drops beyond about ${config.registeredTools.max} (the warning threshold).`,
        unit: units.Short,
        queries: [{ expr: perInstance.gauge('registeredTools', 'max'), legend: legend('instance') }],
      }).thresholds(upperLimit(config.registeredTools.max + 1)).span(6),
      r.has('toolDefinitionChangeRate') && timeseries({
        title: DEFINITION_CHANGES_TITLE,
        description: 'Tool definitions modified, added or removed after the first observation, per tool, over the selected range ' +
          '(from the change rate recorded per job and tool). Anything unannounced here is tool poisoning or a rug pull (critical alert).',
        unit: units.Short,
        queries: [{ expr: r.increaseOverRange('toolDefinitionChangeRate', q.labels('toolDefinitionChanges', ['tool', 'change']), 'all'),
          legend: legend(q.label('toolDefinitionChanges', 'tool'), q.label('toolDefinitionChanges', 'change')) }],
      }).span(18),
      r.has('toolDefinitionCount') && fingerprintTable(q, r),
    ],
  };
}

function fingerprintTable(q: DashboardContext['q'], r: DashboardContext['recorded']): MaybePanel {
  const fingerprints = [{ expr: sumBy(q.labels('toolDefinitions', ['tool', 'fingerprint']), r.allTools('toolDefinitionCount')), legend: 'instances serving it' }];
  return table({
        title: FINGERPRINTS_TITLE,
        description: 'Each tool\'s definition fingerprint (SHA-256 of the canonical JSON of name, title, description, schemas and annotations) and how many instances serve it ' +
          '(counted per job by a recording rule). Two fingerprints for one tool: instances disagree (rollout in progress, or one was tampered with).',
        unit: units.Short,
        queries: fingerprints,
      }).withTransformation(tableColumns(fingerprints));
}

function responses({ q, recorded: r }: DashboardContext): RowSpec {
  const tool = [r.toolLabel];
  return {
    title: 'Tool responses (context window)',
    panels: [
      q.has('toolResponseSize') && timeseries({
        title: RESPONSE_SIZE_TITLE,
        description: 'P95 of tool result content size over 5-minute windows, as the tool produced it (before truncation), across the selected jobs: ' +
          'what each call costs the agent\'s context window (from the size histogram\'s bucket rates, recorded per job and tool).',
        unit: units.BytesIEC,
        queries: [{ expr: r.quantile(0.95, 'toolResponseSizeBuckets', tool), legend: legend(r.toolLabel) }],
      }),
      q.has('toolResponseSize', 'toolResponsesTruncated') && timeseries({
        title: TRUNCATED_TITLE,
        description: 'Share of tool results the server cut to its maximum response size over 5-minute windows (recorded per job and tool): ' +
          'context the agent asked for and did not get.',
        unit: units.PercentUnit,
        queries: [{
          expr: ratioOrZero(sumBy(tool, r.perTool('toolTruncatedRate')), r.count('toolResponseSizeBuckets', tool)),
          legend: legend(r.toolLabel),
        }],
      }),
    ],
  };
}

function rateLimiting({ q, perInstance, recorded: r, config }: DashboardContext): RowSpec {
  const has = q.has('throttledRequests');
  // Recorded over 5m: raw, these panels read every instance × client × tool × limit.
  const client = has ? perInstance.label('throttledRequests', 'clientName') : '';
  const limit = has ? q.label('throttledRequests', 'kind') : '';
  const tool = r.toolLabel;
  return {
    title: 'Rate limiting',
    panels: [
      has && timeseriesWithLimit({
        title: 'Throttled tool calls by client',
        description: 'tools/call requests refused by a rate limit per second over 5 minutes, by client (the selected clients), on the instance refusing it most: ' +
          'one line per client, not per instance and client, so a fleet stays readable. ' +
          'The dashed line is the rate-limited-client alert threshold (it fires when a client stays above it on one instance).',
        unit: units.OpsPerSecond,
        queries: [{ expr: aggregate('max', [client], r.perInstance('throttledClientRate', [{ label: client, op: '=~', value: '$client' }])),
          legend: legend(client) }],
      }, upperLimit(config.rateLimited.perSecond)),
      has && timeseries({
        title: THROTTLED_BY_TOOL_TITLE,
        description: 'Refused tools/call requests per second over 5 minutes by tool (the selected tools) and the limit that refused them: ' +
          'client and tool are the library\'s token buckets, external the server\'s own limiter (reported through reportThrottle).',
        unit: units.OpsPerSecond,
        queries: [{ expr: sumBy([tool, limit], r.perTool('throttledToolRate')), legend: legend(tool, limit) }],
      }),
      q.has('rateLimitedClients') && timeseries({
        title: 'Clients limited now',
        description: 'Client names refused by a rate limit within the last minute, per instance.',
        unit: units.Short,
        queries: [{ expr: perInstance.gauge('rateLimitedClients', 'max'), legend: legend('instance') }],
      }),
    ],
  };
}

export const security: DashboardSpec = {
  name: 'security',
  title: 'Security & audit',
  description: 'Authentication failures, rejected requests, probing (-32601 bursts, unknown tool names per client), rate limiting (throttled calls by client and tool, clients limited now), tool-definition drift, response sizes and truncation, redactions and audit records.',
  rows: (ctx) => [admission(ctx), probing(ctx), rateLimiting(ctx), toolDefinitions(ctx), responses(ctx), audit(ctx)],
};

/** Panels reading recorded series, which carry no instance label (dashboard-linter exclusions, with reasons). */
export const SECURITY_LINT_EXCLUSIONS: readonly LintExclusion[] = [RESPONSE_SIZE_TITLE, TRUNCATED_TITLE, THROTTLED_BY_TOOL_TITLE, DEFINITION_CHANGES_TITLE,
  FINGERPRINTS_TITLE]
  .map((panel) => ({ rule: 'target-instance-rule', panel, reason: RECORDED_EXCLUSION_REASON }));
