// Application quality: how tools are used (including how concentrated use is), sessions, and the
// agentic view: task success, turns per task, hallucinated calls, validation errors, tokens and cost.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { ratio, ratioOrZero, sumBy } from '../promql/index.js';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import type { LintExclusion } from './lint.js';
import { getProfile, OVERFLOW_VALUE, PROFILE_NAMES, type Role, type SignalId } from '@mcp-observability/catalog';
import { RANGE, RATE_INTERVAL, sumIncrease } from './expressions.js';
import { barGauge, legend, lowerLimit, stat, timeseries, timeseriesWithLimit, upperLimit } from './panels.js';
import { RECORDED_EXCLUSION_REASON } from './recorded.js';
import { recordedSeries } from '../rules/recorded.js';
import { CLIENT_FILTER } from './variables.js';

const VALIDATION_ERROR_RATIO_TITLE = 'Validation error ratio by tool';
const TOP_TOOL_SHARE_TITLE = 'Share of calls served by the busiest 20% of tools';
const TOOLS_CALLED_TITLE = 'Tools called';
const CALL_SHARE_TITLE = 'Share of calls by tool';
const TURNS_TITLE = 'Turns per task P50 / P95';
const HALLUCINATED_RATIO_TITLE = 'Hallucinated call ratio';
const HALLUCINATED_BY_KIND_TITLE = 'Hallucinated calls by kind';
const TOKEN_RATE_TITLE = 'Tokens per second by tool and type';
const TOKENS_PER_CALL_TITLE = 'Tokens per call by tool';
const COST_OVER_RANGE_TITLE = 'Cost by tool over the time range';
const COST_PER_CALL_TITLE = 'Cost per call by tool';
/** The Pareto check: what share of calls the busiest fifth of tools serves. */
const TOP_TOOL_SHARE = 0.2;

const SELF_CORRECTION_RATIO_TITLE = 'Self-correction ratio';
const SELF_CORRECTIONS_BY_TOOL_TITLE = 'Self-corrections by tool';
const RESOURCE_ERROR_RATIO_TITLE = 'Resource read error ratio';
const RESOURCE_SIZE_TITLE = 'Resource response size P50 / P95';
const SESSION_DURATION_TITLE = 'Session duration P50 / P95';

function usage({ q, recorded: r }: DashboardContext): RowSpec {
  const has = q.has('toolCalls');
  const perTool = has ? r.increaseOverRange('toolCallRate', [r.toolLabel]) : '';
  const total = has ? r.increaseOverRange('toolCallRate', []) : '';
  return {
    title: 'Tool usage',
    panels: [
      has && stat({
        title: TOP_TOOL_SHARE_TITLE,
        description: 'Calls to the busiest fifth of tools (rounded up) over the time range, as a share of all calls. ' +
          'Near 80% or more, a few tools carry the load: optimise those first and question the long tail.',
        unit: units.PercentUnit,
        queries: [{
          // `or vector(0)`: before the first call count() is empty and topk(NaN) fails the whole query.
          expr: ratio(`sum(topk(scalar(ceil(count(${perTool}) * ${TOP_TOOL_SHARE}) or vector(0)), ${perTool}))`, total),
          legend: 'top 20% share',
        }],
      }).span(6).height(8),
      has && stat({
        title: TOOLS_CALLED_TITLE,
        description: 'Distinct tools called at least once over the time range.',
        unit: units.Short,
        queries: [{ expr: `count(${perTool} > 0)`, legend: 'tools' }],
      }).span(6).height(8),
      has && barGauge({
        title: CALL_SHARE_TITLE,
        description: 'Each tool\'s share of all tool calls over the time range.',
        unit: units.PercentUnit,
        queries: [{ expr: `${perTool} / scalar(${total})`, legend: legend(r.toolLabel) }],
      }).max(1),
    ],
  };
}

function sessions({ q, recorded: r, config }: DashboardContext): RowSpec {
  const transport = (id: 'sessionDuration' | 'activeSessions' | 'idleSessions' | 'sessionsReaped'): string =>
    legend(q.label(id, 'transport'));
  return {
    title: 'Sessions',
    panels: [
      r.has('sessionDurationBuckets') && timeseries({
        title: SESSION_DURATION_TITLE,
        description: 'Duration of sessions closed over 5-minute windows, from initialize to close, by transport (from the duration histogram\'s bucket rates, recorded per job).',
        unit: units.Seconds,
        queries: [0.5, 0.95].map((quantile) => ({
          expr: r.quantile(quantile, 'sessionDurationBuckets', [q.label('sessionDuration', 'transport')]),
          legend: `P${quantile * 100} ${transport('sessionDuration')}`,
        })),
      }),
      q.has('activeSessions') && timeseries({
        title: 'Open sessions by transport',
        description: 'Sessions currently connected.',
        unit: units.Short,
        queries: [{ expr: q.gauge('activeSessions', 'sum', { by: ['transport'] }), legend: transport('activeSessions') }],
      }),
      q.has('idleSessions') && timeseriesWithLimit({
        title: 'Idle sessions by transport',
        description: 'Open sessions that have sent nothing for longer than the idle threshold. The dashed line is the idle-session alert threshold.',
        unit: units.Short,
        queries: [{ expr: q.gauge('idleSessions', 'sum', { by: ['transport'] }), legend: transport('idleSessions') }],
      }, upperLimit(config.idleSessions.max)),
      q.has('sessionsReaped') && timeseries({
        title: 'Sessions reaped by transport',
        description: 'Idle sessions closed by the reaper, per second.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('sessionsReaped', RATE_INTERVAL, { by: ['transport'] }), legend: transport('sessionsReaped') }],
      }),
      q.has('sessionsClosed') && timeseries({
        title: 'Session ends by reason and client',
        description: 'Sessions closed per second, by reason (client_closed, reaped_idle, transport_error, server_shutdown) and client name (the selected clients).',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('sessionsClosed', RATE_INTERVAL, { by: ['reason', 'clientName'], where: CLIENT_FILTER }),
          legend: legend(...q.labels('sessionsClosed', ['reason', 'clientName'])) }],
      }),
      q.has('reconnections') && timeseries({
        title: 'Reconnections by client',
        description: 'Sessions a client name opened within a minute of closing its previous one (or re-initialised), per second, by client (the selected clients): flapping connections.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('reconnections', RATE_INTERVAL, { by: ['transport', 'clientName'], where: CLIENT_FILTER }),
          legend: legend(...q.labels('reconnections', ['transport', 'clientName'])) }],
      }),
    ],
  };
}

function agentic({ q, recorded: r, config }: DashboardContext): RowSpec {
  return {
    title: 'Agentic quality',
    panels: [
      q.has('agentTasks') && timeseriesWithLimit({
        title: 'Task success ratio',
        description: 'Share of finished agent tasks reported successful. The dashed line is the task-success objective.',
        unit: units.PercentUnit,
        queries: [{
          expr: ratio(q.rate('agentTasks', RATE_INTERVAL, { where: { outcome: 'success' } }), q.rate('agentTasks', RATE_INTERVAL)),
          legend: 'success ratio',
        }],
      }, lowerLimit(config.taskSuccess.min)).max(1),
      q.has('agentTurns') && timeseries({
        title: TURNS_TITLE,
        description: 'Tool calls an agent needed per finished task over 5-minute windows, across the selected jobs (recorded per job); ' +
          'rising turns mean tools are harder to use.',
        unit: units.Short,
        queries: [0.5, 0.95].map((quantile) => ({
          expr: r.quantile(quantile, 'agentTurnsBuckets', []),
          legend: `P${quantile * 100}`,
        })),
      }),
      q.has('hallucinations', 'toolCalls') && timeseriesWithLimit({
        title: HALLUCINATED_RATIO_TITLE,
        description: 'Calls naming an unknown tool or with arguments that fail the tool\'s schema, as a share of all calls of the selected jobs ' +
          '(every tool: an unknown name belongs to no tool) over 5-minute windows, recorded per job. The dashed line is the hallucination alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: ratio(`sum(${r.perJob('hallucinationRate')})`, `sum(${r.allTools('toolCallRate')})`), legend: 'hallucinated' }],
      }, upperLimit(config.hallucinationRatio.max)),
      q.has('hallucinations') && timeseries({
        title: HALLUCINATED_BY_KIND_TITLE,
        description: 'Hallucinated calls per second over 5-minute windows, by kind (unknown tool, schema violation), across the selected jobs (recorded per job).',
        unit: units.OpsPerSecond,
        queries: [{ expr: sumBy(q.labels('hallucinations', ['kind']), r.perJob('hallucinationRate')), legend: legend(q.label('hallucinations', 'kind')) }],
      }),
      q.has('selfCorrections', 'toolCalls') && timeseriesWithLimit({
        title: SELF_CORRECTION_RATIO_TITLE,
        description: 'Failed calls of registered tools followed by a successful call of the same tool in the same task or session (within the ' +
          'instrumentation\'s window), as a share of those failed calls, over 5-minute windows. Falling: agents give up after errors. ' +
          'The dashed line is the self-correction alert threshold (judged over its longer window).',
        unit: units.PercentUnit,
        // Recorded per job and tool: raw, the failed calls are every instance × tool × status × error type.
        queries: [{
          expr: ratioOrZero(`sum(${r.allTools('selfCorrectionRate')})`,
            `sum(${r.allTools('toolFailedCallRate', [{ label: r.toolLabel, op: '!=', value: OVERFLOW_VALUE }])})`),
          legend: 'corrected',
        }],
      }, lowerLimit(config.selfCorrection.min)).max(1),
      q.has('selfCorrections') && timeseries({
        title: SELF_CORRECTIONS_BY_TOOL_TITLE,
        description: 'Failed calls corrected per second over 5 minutes, by tool (the selected tools).',
        unit: units.OpsPerSecond,
        queries: [{ expr: sumBy([r.toolLabel], r.perTool('selfCorrectionRate')), legend: legend(r.toolLabel) }],
      }),
      q.has('toolErrors', 'toolCalls') && timeseriesWithLimit({
        title: VALIDATION_ERROR_RATIO_TITLE,
        description: 'Calls rejected for invalid parameters, as a share of each tool\'s calls over 5-minute windows ' +
          '(recorded per job and tool, weighted by calls). The dashed line is the validation alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: r.perCall('toolValidationErrorRatio', 'tool'), legend: legend(r.toolLabel) }],
      }, upperLimit(config.validationErrorRatio.max)),
    ],
  };
}

function tokensAndCost({ q, recorded: r }: DashboardContext): RowSpec {
  const tool = [r.toolLabel];
  const perCall = (key: 'toolTokenRate' | 'toolCostRate'): string => ratio(sumBy(tool, r.perTool(key)), sumBy(tool, r.perTool('toolCallRate')));
  return {
    title: 'Tokens & cost',
    panels: [
      q.has('toolTokens') && timeseries({
        title: TOKEN_RATE_TITLE,
        description: 'LLM tokens reported by tools per second over 5-minute windows, by token type (input/output), summed over the selected jobs (recorded per job and tool).',
        unit: units.Short,
        queries: [{
          expr: sumBy(q.labels('toolTokens', ['tool', 'tokenType']), r.perTool('toolTokenRate')),
          legend: legend(...q.labels('toolTokens', ['tool', 'tokenType'])),
        }],
      }),
      q.has('toolTokens', 'toolCalls') && timeseries({
        title: TOKENS_PER_CALL_TITLE,
        description: 'LLM tokens reported per tool call (input and output together) over 5-minute windows (recorded per job and tool).',
        unit: units.Short,
        queries: [{ expr: perCall('toolTokenRate'), legend: legend(r.toolLabel) }],
      }),
      q.has('toolCost') && barGauge({
        title: COST_OVER_RANGE_TITLE,
        description: 'US dollars reported by tools over the dashboard time range (from the recorded 5-minute cost rate).',
        unit: units.Dollars,
        queries: [{ expr: r.increaseOverRange('toolCostRate', tool), legend: legend(r.toolLabel) }],
      }),
      q.has('toolCost', 'toolCalls') && timeseries({
        title: COST_PER_CALL_TITLE,
        description: 'US dollars reported per tool call over 5-minute windows (recorded per job and tool).',
        unit: units.Dollars,
        queries: [{ expr: perCall('toolCostRate'), legend: legend(r.toolLabel) }],
      }),
    ],
  };
}

/** The roles of a signal this profile spells, in the given order (otel keeps mcp.resource.uri off metrics, say). */
const spelled = (q: DashboardContext['q'], id: SignalId, roles: readonly Role[]): Role[] =>
  roles.filter((r) => q.spelling(id).labels[r] !== undefined);

function clients({ q }: DashboardContext): RowSpec {
  return {
    title: 'Clients',
    panels: [
      q.has('clientToolCalls') && timeseries({
        title: 'Tool calls by client',
        description: 'tools/call requests per second by client name (clientInfo.name, bounded; the selected clients) and status.',
        unit: units.RequestsPerSecond,
        queries: [{ expr: q.rate('clientToolCalls', RATE_INTERVAL, { by: ['clientName', 'outcome'], where: CLIENT_FILTER }),
          legend: legend(...q.labels('clientToolCalls', ['clientName', 'outcome'])) }],
      }),
      q.has('clientSessions') && timeseries({
        title: 'Open sessions by client',
        description: 'Sessions connected now, by client name (the selected clients).',
        unit: units.Short,
        queries: [{ expr: q.gauge('clientSessions', 'sum', { by: ['clientName'], where: CLIENT_FILTER }),
          legend: legend(q.label('clientSessions', 'clientName')) }],
      }),
    ],
  };
}

function resourceAccess({ q, recorded: r, config }: DashboardContext): RowSpec {
  if (!q.has('resourceReads')) return { title: 'Resource access', panels: [] };
  const byResource = spelled(q, 'resourceReads', ['resource']);
  const byStatus = spelled(q, 'resourceReads', ['resource', 'outcome', 'errorType']);
  const all = q.rate('resourceReads', RATE_INTERVAL, { by: byResource });
  const resourceLabels = q.labels('resourceReads', byResource);
  // Per resource (prom-client), recorded per job and resource; otherwise the few per-job operation series, raw.
  const errorRatio = r.has('resourceServerErrorRate')
    ? ratio(sumBy(resourceLabels, r.perJob('resourceServerErrorRate')), sumBy(resourceLabels, r.perJob('resourceReadRate')))
    : ratioOrZero(q.rate('resourceReads', RATE_INTERVAL, { by: byResource, subset: 'serverFailed' }), all);
  return {
    title: 'Resource access',
    panels: [
      timeseries({
        title: 'Resource reads by resource and status',
        description: 'resources/read requests per second, by resource (registered URI or the URI template it matched; _OTHER for unknown URIs) and status.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('resourceReads', RATE_INTERVAL, { by: byStatus }), legend: legend(...q.labels('resourceReads', byStatus)) || 'reads' }],
      }),
      timeseriesWithLimit({
        title: RESOURCE_ERROR_RATIO_TITLE,
        description: 'Share of resource reads failing for server-side reasons (unknown URIs excluded) over 5-minute windows, by resource where the profile labels it ' +
          '(then recorded per job and resource). The dashed line is the resource error alert threshold.',
        unit: units.PercentUnit,
        queries: [{ expr: errorRatio, legend: legend(...resourceLabels) || 'error ratio' }],
      }, upperLimit(config.resourceErrorRatio.max)),
      byResource.length > 0 && barGauge({
        title: 'Top resources over the time range',
        description: 'resources/read requests per resource over the dashboard time range, busiest first.',
        unit: units.Short,
        queries: [{ expr: `sort_desc(${sumIncrease(q, 'resourceReads', RANGE, { by: byResource })})`, legend: legend(...q.labels('resourceReads', byResource)) }],
      }),
      r.has('resourceResponseSizeBuckets') && timeseries({
        title: RESOURCE_SIZE_TITLE,
        description: 'Size of resources/read result contents (UTF-8 bytes of text, characters of base64 blobs) over 5-minute windows, by resource ' +
          '(from the size histogram\'s bucket rates, recorded per job and resource).',
        unit: units.BytesIEC,
        queries: [0.5, 0.95].map((quantile) => ({
          expr: r.quantile(quantile, 'resourceResponseSizeBuckets', [q.label('resourceResponseSize', 'resource')]),
          legend: `P${quantile * 100} ${legend(q.label('resourceResponseSize', 'resource'))}`,
        })),
      }),
    ],
  };
}

function prompts({ q }: DashboardContext): RowSpec {
  if (!q.has('promptGets')) return { title: 'Prompts', panels: [] };
  const byPrompt: Role[] = ['prompt'];
  const byStatus = spelled(q, 'promptGets', ['prompt', 'outcome', 'errorType']);
  return {
    title: 'Prompts',
    panels: [
      timeseries({
        title: 'Prompt gets by prompt and status',
        description: 'prompts/get requests per second (prompt template usage), by prompt (registered name; _OTHER otherwise) and status.',
        unit: units.OpsPerSecond,
        queries: [{ expr: q.rate('promptGets', RATE_INTERVAL, { by: byStatus }), legend: legend(...q.labels('promptGets', byStatus)) }],
      }),
      timeseries({
        title: 'Prompt error ratio by prompt',
        description: 'Share of prompts/get requests answered with an error (unknown prompt, bad arguments, a failing prompt handler), by prompt.',
        unit: units.PercentUnit,
        queries: [{ expr: ratioOrZero(q.rate('promptGets', RATE_INTERVAL, { by: byPrompt, subset: 'failed' }), q.rate('promptGets', RATE_INTERVAL, { by: byPrompt })),
          legend: legend(q.label('promptGets', 'prompt')) }],
      }).max(1),
    ],
  };
}

export const quality: DashboardSpec = {
  name: 'quality',
  title: 'Application quality',
  description: 'Tool usage patterns (including the 80/20 share of the busiest tools), sessions, and agentic quality: ' +
    'task success, turns per task, hallucinated calls, validation errors, tokens and cost per tool; resource access and prompt usage.',
  rows: (ctx) => [usage(ctx), clients(ctx), sessions(ctx), agentic(ctx), tokensAndCost(ctx), resourceAccess(ctx), prompts(ctx)],
};

/** Panels reading recorded series, which carry no instance label (dashboard-linter exclusions, with reasons). */
export const QUALITY_LINT_EXCLUSIONS: readonly LintExclusion[] = [
  TOP_TOOL_SHARE_TITLE, TOOLS_CALLED_TITLE, CALL_SHARE_TITLE, TURNS_TITLE, HALLUCINATED_RATIO_TITLE, HALLUCINATED_BY_KIND_TITLE,
  VALIDATION_ERROR_RATIO_TITLE, TOKEN_RATE_TITLE, TOKENS_PER_CALL_TITLE, COST_OVER_RANGE_TITLE, COST_PER_CALL_TITLE,
  SELF_CORRECTION_RATIO_TITLE, SELF_CORRECTIONS_BY_TOOL_TITLE, RESOURCE_SIZE_TITLE, SESSION_DURATION_TITLE,
].map((panel): LintExclusion => ({ rule: 'target-instance-rule', panel, reason: RECORDED_EXCLUSION_REASON })).concat({
  rule: 'target-instance-rule', panel: RESOURCE_ERROR_RATIO_TITLE, reason: RECORDED_EXCLUSION_REASON,
  // Recorded where reads carry a resource label; elsewhere the panel reads the few per-job operation series.
  profiles: PROFILE_NAMES.filter((p) => recordedSeries(getProfile(p)).resourceServerErrorRate !== undefined),
});
