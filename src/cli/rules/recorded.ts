// Names of the series our recording rules write, for dashboards and for the rules that read them.
// Names are level:metric:operation and keep the nominal window (also in the drill variant), so a
// dashboard reads the same names whatever the profile or timing; label names still follow the
// profile (ask SignalQueries.label for the tool label). A field is undefined when the profile
// lacks the signals behind it (the rule is not generated).
import { hasSignals, type Profile } from '@mcp-observability/catalog';

/** Window of the recorded rates and ratios. */
export const RATE_WINDOW = '5m';
export const RECORDED_QUANTILES = [0.5, 0.95, 0.99] as const;
export type RecordedQuantile = (typeof RECORDED_QUANTILES)[number];

/** Windows of the SLO error-ratio series (SRE workbook: short and long windows of the four burn-rate alerts). */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];
/** Label telling the availability and latency SLO series apart. */
export const SLO_LABEL = 'slo';
export const SLO_NAMES = { availability: 'mcp-tool-availability', latency: 'mcp-tool-latency' } as const;

export const NAMES = {
  toolLatencyBuckets: 'job_tool_le:mcp_tool_duration_seconds_bucket:rate5m',
  toolLatency: (q: RecordedQuantile) => `job_tool:mcp_tool_duration_seconds:p${Math.round(q * 100)}_rate5m`,
  toolResponseSizeBuckets: 'job_tool_le:mcp_tool_response_size_bytes_bucket:rate5m',
  toolTruncatedRate: 'job_tool:mcp_tool_responses_truncated:rate5m',
  messageSizeBuckets: 'job_direction_type_le:mcp_message_size_bytes_bucket:rate5m',
  gcDurationBuckets: 'job_kind_le:nodejs_gc_duration_seconds_bucket:rate5m',
  agentTurnsBuckets: 'job_outcome_le:mcp_agent_task_turns_bucket:rate5m',
  sessionDurationBuckets: 'job_transport_le:mcp_session_duration_seconds_bucket:rate5m',
  toolDefinitionCount: 'job_tool_fingerprint:mcp_tool_definition_info:count',
  toolTokenRate: 'job_tool_token_type:mcp_tool_tokens:rate5m',
  toolCostRate: 'job_tool:mcp_tool_cost_usd:rate5m',
  toolCallerErrorRatio: 'job_tool:mcp_tool_caller_errors:ratio_rate5m',
  hallucinationRate: 'job_kind:mcp_tool_hallucinations:rate5m',
  requestRate: 'job_method:mcp_requests:rate5m',
  protocolVersionRequestRate: 'job_version:mcp_requests:rate5m',
  jsonrpcErrorRate: 'job_code:mcp_jsonrpc_errors:rate5m',
  unknownRequestRate: 'job_instance_client_kind:mcp_unknown_requests:rate5m',
  throttledClientRate: 'job_instance_client:mcp_throttled_requests:rate5m',
  throttledToolRate: 'job_tool_limit:mcp_throttled_requests:rate5m',
  requestsInFlight: 'job_method:mcp_requests_in_flight:sum',
  toolCallsInFlight: 'job_tool:mcp_tool_calls_in_flight:sum',
  selfCorrectionRate: 'job_tool:mcp_tool_self_corrections:rate5m',
  toolFailedCallRate: 'job_tool:mcp_tool_failed_calls:rate5m',
  toolCallRate: 'job_tool:mcp_tool_calls:rate5m',
  toolCallShare: 'job_tool:mcp_tool_calls:share_rate5m',
  toolErrorRatio: 'job_tool:mcp_tool_errors:ratio_rate5m',
  toolServerErrorRatio: 'job_tool:mcp_tool_server_errors:ratio_rate5m',
  toolServerErrorRate: 'job_tool:mcp_tool_server_errors:rate5m',
  toolValidationErrorRatio: 'job_tool:mcp_tool_validation_errors:ratio_rate5m',
  handshakeRate: 'job_transport:mcp_handshakes:rate5m',
  handshakeSuccessRatio: 'job_transport:mcp_handshakes:success_ratio_rate5m',
  hallucinationRatio: 'job:mcp_tool_hallucinations:ratio_rate5m',
  sloErrorRatio: (window: SloWindow) => `slo:sli_error:ratio_rate${window}`,
  sloObjective: 'slo:objective:ratio',
  sloErrorBudget: 'slo:error_budget:ratio',
  /** 1 per SLO, its objective, period (and latency threshold) as labels. */
  sloInfo: 'slo:objective:info',
  /** The 5m error ratio over the error budget: 1 spends the budget exactly over the period. */
  sloCurrentBurnRate: 'slo:current_burn_rate:ratio',
  sloPeriodBurnRate: 'slo:period_burn_rate:ratio',
  sloPeriodErrorRatio: 'slo:sli_error:ratio_period',
  sloBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
  callRateBaselineMean: 'job_tool:mcp_tool_calls:rate5m_baseline_avg',
  callRateBaselineStddev: 'job_tool:mcp_tool_calls:rate5m_baseline_stddev',
  callRateZScore: 'job_tool:mcp_tool_calls:rate5m_zscore',
  resourceReadRate: 'job_resource:mcp_resource_reads:rate5m',
  resourceServerErrorRate: 'job_resource:mcp_resource_server_errors:rate5m',
  resourceResponseSizeBuckets: 'job_resource_le:mcp_resource_response_size_bytes_bucket:rate5m',
  toolDefinitionChangeRate: 'job_tool_change:mcp_tool_definition_changes:rate5m',
  resourceReadBaselineMean: 'job_resource:mcp_resource_reads:rate5m_baseline_avg',
  resourceReadBaselineStddev: 'job_resource:mcp_resource_reads:rate5m_baseline_stddev',
  resourceReadZScore: 'job_resource:mcp_resource_reads:rate5m_zscore',
} as const;

export interface RecordedSeries {
  /** Bucket rates (per `le`) of histogram signals: quantiles and counts (`le="+Inf"`) are computed from them. */
  toolLatencyBuckets?: string;
  toolLatency?: (q: RecordedQuantile) => string;
  toolResponseSizeBuckets?: string;
  toolTruncatedRate?: string;
  messageSizeBuckets?: string;
  gcDurationBuckets?: string;
  agentTurnsBuckets?: string;
  sessionDurationBuckets?: string;
  /** JSON-RPC requests per second per job and the protocol version they were served under. */
  protocolVersionRequestRate?: string;
  /** Instances serving each tool definition, per job, tool and fingerprint. */
  toolDefinitionCount?: string;
  toolTokenRate?: string;
  toolCostRate?: string;
  toolCallerErrorRatio?: string;
  hallucinationRate?: string;
  requestRate?: string;
  jsonrpcErrorRate?: string;
  /** Requests naming an unknown tool or method, per process and client: the probing alert's granularity. */
  unknownRequestRate?: string;
  /** Tool calls refused by a rate limit, per process and client (the rate-limiting panels' granularity). */
  throttledClientRate?: string;
  /** Tool calls refused by a rate limit, per job, tool and the limit that refused them. */
  throttledToolRate?: string;
  /** Requests received and not yet answered, per job and method (a gauge summed over the instances). */
  requestsInFlight?: string;
  /** tools/call requests running now, per job and tool. */
  toolCallsInFlight?: string;
  /** Failed calls followed by a successful one of the same tool, per second. */
  selfCorrectionRate?: string;
  /** Failed tool calls per second (any cause), per job and tool. */
  toolFailedCallRate?: string;
  toolCallRate?: string;
  toolCallShare?: string;
  toolErrorRatio?: string;
  toolServerErrorRatio?: string;
  /** Server-caused tool errors per second. */
  toolServerErrorRate?: string;
  toolValidationErrorRatio?: string;
  handshakeRate?: string;
  handshakeSuccessRatio?: string;
  hallucinationRatio?: string;
  /** SLO error ratio per window; select one SLO with {slo="<SLO_NAMES.x>"}. */
  sloErrorRatio?: (window: SloWindow) => string;
  sloObjective?: string;
  sloErrorBudget?: string;
  sloInfo?: string;
  sloCurrentBurnRate?: string;
  sloPeriodBurnRate?: string;
  sloPeriodErrorRatio?: string;
  sloBudgetRemaining?: string;
  callRateBaselineMean?: string;
  callRateBaselineStddev?: string;
  callRateZScore?: string;
  resourceReadRate?: string;
  /** Resource reads failing for server-side reasons per second, per job and resource (0 while none failed). */
  resourceServerErrorRate?: string;
  resourceResponseSizeBuckets?: string;
  /** Tool definitions modified, added or removed at run time per second, per job, tool and change. */
  toolDefinitionChangeRate?: string;
  resourceReadBaselineMean?: string;
  resourceReadBaselineStddev?: string;
  resourceReadZScore?: string;
}

const when = <T>(condition: boolean, value: T): T | undefined => (condition ? value : undefined);

/** The recorded series a profile gets. */
export function recordedSeries(profile: Profile): RecordedSeries {
  const has = (...ids: Parameters<typeof hasSignals>[1][]) => hasSignals(profile, ...ids);
  const calls = has('toolCalls');
  const slo = has('toolCalls', 'toolErrors', 'toolDuration');
  // Per-resource reads: only where the profile labels reads by resource (otel keeps mcp.resource.uri off metrics).
  const perResource = profile.signals.resourceReads?.labels.resource !== undefined;
  return {
    toolLatencyBuckets: when(has('toolDuration'), NAMES.toolLatencyBuckets),
    toolLatency: when(has('toolDuration'), NAMES.toolLatency),
    toolResponseSizeBuckets: when(has('toolResponseSize'), NAMES.toolResponseSizeBuckets),
    toolTruncatedRate: when(has('toolResponsesTruncated'), NAMES.toolTruncatedRate),
    messageSizeBuckets: when(has('messageSize'), NAMES.messageSizeBuckets),
    gcDurationBuckets: when(has('gcDuration'), NAMES.gcDurationBuckets),
    agentTurnsBuckets: when(has('agentTurns'), NAMES.agentTurnsBuckets),
    sessionDurationBuckets: when(has('sessionDuration'), NAMES.sessionDurationBuckets),
    protocolVersionRequestRate: when(has('requestProtocolVersions'), NAMES.protocolVersionRequestRate),
    toolDefinitionCount: when(has('toolDefinitions'), NAMES.toolDefinitionCount),
    toolTokenRate: when(has('toolTokens'), NAMES.toolTokenRate),
    toolCostRate: when(has('toolCost'), NAMES.toolCostRate),
    toolCallerErrorRatio: when(has('toolCalls', 'toolErrors'), NAMES.toolCallerErrorRatio),
    hallucinationRate: when(has('hallucinations'), NAMES.hallucinationRate),
    requestRate: when(has('requests'), NAMES.requestRate),
    jsonrpcErrorRate: when(has('jsonrpcErrors'), NAMES.jsonrpcErrorRate),
    unknownRequestRate: when(has('unknownRequests'), NAMES.unknownRequestRate),
    throttledClientRate: when(has('throttledRequests'), NAMES.throttledClientRate),
    throttledToolRate: when(has('throttledRequests'), NAMES.throttledToolRate),
    requestsInFlight: when(has('requestsInFlight'), NAMES.requestsInFlight),
    toolCallsInFlight: when(has('requestsInFlight'), NAMES.toolCallsInFlight),
    selfCorrectionRate: when(has('selfCorrections'), NAMES.selfCorrectionRate),
    toolFailedCallRate: when(has('selfCorrections', 'toolCalls'), NAMES.toolFailedCallRate),
    toolCallRate: when(calls, NAMES.toolCallRate),
    toolCallShare: when(calls, NAMES.toolCallShare),
    toolErrorRatio: when(calls, NAMES.toolErrorRatio),
    toolServerErrorRatio: when(has('toolCalls', 'toolErrors'), NAMES.toolServerErrorRatio),
    toolServerErrorRate: when(has('toolCalls', 'toolErrors'), NAMES.toolServerErrorRate),
    toolValidationErrorRatio: when(has('toolCalls', 'toolErrors'), NAMES.toolValidationErrorRatio),
    handshakeRate: when(has('handshakes'), NAMES.handshakeRate),
    handshakeSuccessRatio: when(has('handshakes'), NAMES.handshakeSuccessRatio),
    hallucinationRatio: when(has('toolCalls', 'hallucinations'), NAMES.hallucinationRatio),
    sloErrorRatio: when(slo, NAMES.sloErrorRatio),
    sloObjective: when(slo, NAMES.sloObjective),
    sloErrorBudget: when(slo, NAMES.sloErrorBudget),
    sloInfo: when(slo, NAMES.sloInfo),
    sloCurrentBurnRate: when(slo, NAMES.sloCurrentBurnRate),
    sloPeriodBurnRate: when(slo, NAMES.sloPeriodBurnRate),
    sloPeriodErrorRatio: when(slo, NAMES.sloPeriodErrorRatio),
    sloBudgetRemaining: when(slo, NAMES.sloBudgetRemaining),
    callRateBaselineMean: when(calls, NAMES.callRateBaselineMean),
    callRateBaselineStddev: when(calls, NAMES.callRateBaselineStddev),
    callRateZScore: when(calls, NAMES.callRateZScore),
    resourceReadRate: when(perResource, NAMES.resourceReadRate),
    resourceServerErrorRate: when(perResource, NAMES.resourceServerErrorRate),
    resourceResponseSizeBuckets: when(has('resourceResponseSize'), NAMES.resourceResponseSizeBuckets),
    toolDefinitionChangeRate: when(has('toolDefinitionChanges'), NAMES.toolDefinitionChangeRate),
    resourceReadBaselineMean: when(perResource, NAMES.resourceReadBaselineMean),
    resourceReadBaselineStddev: when(perResource, NAMES.resourceReadBaselineStddev),
    resourceReadZScore: when(perResource, NAMES.resourceReadZScore),
  };
}
