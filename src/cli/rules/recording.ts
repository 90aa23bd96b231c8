// Recording rules: the per-tool and per-transport series that alerts and dashboards read, and the
// bucket rates of histogram signals that fleet-wide panels compute quantiles from.
// Expressions read the profile's own metric families. Both profiles' rules may load into one
// Prometheus (the local stack does) and a recorded name is shared, so a
// `0 * job_tool:mcp_tool_calls:rate5m` fallback would write 0 over the other profile's ratios. The
// one exception, the latency quantiles, reads the tool-duration bucket rate (so the raw buckets are
// read once per evaluation, not once per quantile) selected by the profile's tool label, which the
// other profile's recording of the same name does not carry. They live in a second group: no rule
// reads a record of its own group, which vmalert would see one evaluation late.
import { histogramQuantile, sumBy } from '../promql/index.js';
import { ratioOrZero } from '../promql/expr.js';
import { getProfile, PROFILE_NAMES } from '@mcp-observability/catalog';
import { ownToolSeries, type RuleContext } from './context.js';
import { NAMES, RATE_WINDOW, RECORDED_QUANTILES } from './recorded.js';
import { counter, Fixtures, gauge, render } from './tests/fixtures.js';
import type { AreaRules, ExprCheck, RecordingRule, TestCase } from './types.js';

export const RECORDING_GROUP = 'mcp-recording';
/** Quantiles from the first group's bucket rates: a later group, so vmalert (which sees a record only after its group ran) reads this evaluation's rates. */
export const QUANTILE_GROUP = 'mcp-recording-quantiles';

/** Latency quantiles per tool, read from the bucket rate recorded by RECORDING_GROUP. */
export function quantileRules(ctx: RuleContext): RecordingRule[] {
  if (!ctx.job.has('toolDuration')) return [];
  const own = ownToolSeries(ctx, NAMES.toolLatencyBuckets);
  return RECORDED_QUANTILES.map((quantile) => ({ record: NAMES.toolLatency(quantile), expr: histogramQuantile(quantile, own) }));
}

export function recordingRules(ctx: RuleContext): RecordingRule[] {
  const q = ctx.job;
  const w = ctx.timing.window(RATE_WINDOW);
  const byTool = { by: ['tool'] as const };
  const rules: RecordingRule[] = [];
  if (q.has('toolDuration')) rules.push({ record: NAMES.toolLatencyBuckets, expr: q.bucketRate('toolDuration', w, byTool) });
  const bucketRates = [
    ['toolResponseSize', NAMES.toolResponseSizeBuckets, ['tool']],
    ['messageSize', NAMES.messageSizeBuckets, ['direction', 'messageType']],
    ['gcDuration', NAMES.gcDurationBuckets, ['gcKind']],
    ['agentTurns', NAMES.agentTurnsBuckets, ['outcome']],
    ['sessionDuration', NAMES.sessionDurationBuckets, ['transport']],
    ['resourceResponseSize', NAMES.resourceResponseSizeBuckets, ['resource']],
  ] as const;
  for (const [id, record, by] of bucketRates) if (q.has(id)) rules.push({ record, expr: q.bucketRate(id, w, { by }) });
  const rates = [
    ['toolTokens', NAMES.toolTokenRate, ['tool', 'tokenType']],
    ['toolCost', NAMES.toolCostRate, ['tool']],
    ['toolResponsesTruncated', NAMES.toolTruncatedRate, ['tool']],
    ['hallucinations', NAMES.hallucinationRate, ['kind']],
    ['requests', NAMES.requestRate, ['method']],
    ['requestProtocolVersions', NAMES.protocolVersionRequestRate, ['protocolVersion']],
    ['jsonrpcErrors', NAMES.jsonrpcErrorRate, ['code']],
    ['toolDefinitionChanges', NAMES.toolDefinitionChangeRate, ['tool', 'change']],
  ] as const;
  for (const [id, record, by] of rates) if (q.has(id)) rules.push({ record, expr: q.rate(id, w, { by }) });
  // Per process, as the probing alert and the security panels show it: raw, those panels read ~10
  // samples per point for every instance × client (1.7 s at 1,000 servers), recorded one.
  if (ctx.instance.has('unknownRequests')) {
    rules.push({ record: NAMES.unknownRequestRate, expr: ctx.instance.rate('unknownRequests', w, { by: ['clientName', 'kind'] }) });
  }
  // The rate-limiting panels: raw, they read every instance × client × tool × limit (~2 s at 100 servers).
  if (q.has('throttledRequests')) {
    rules.push(
      { record: NAMES.throttledClientRate, expr: ctx.instance.rate('throttledRequests', w, { by: ['clientName'] }) },
      { record: NAMES.throttledToolRate, expr: q.rate('throttledRequests', w, { by: ['tool', 'kind'] }) },
    );
  }
  // The fingerprint table: raw, it counts every instance × tool definition (~1 s through Thanos at 1,000 servers).
  if (q.has('toolDefinitions')) {
    rules.push({ record: NAMES.toolDefinitionCount, expr: q.gauge('toolDefinitions', 'count', { by: ['tool', 'fingerprint'] }) });
  }
  // The in-flight and self-correction panels: raw, they read every instance × method × tool (~3 s at 1,000 servers).
  if (q.has('requestsInFlight')) {
    rules.push(
      { record: NAMES.requestsInFlight, expr: q.gauge('requestsInFlight', 'sum', { by: ['method'] }) },
      { record: NAMES.toolCallsInFlight, expr: q.gauge('requestsInFlight', 'sum', { by: ['tool'], where: { method: 'tools/call' } }) },
    );
  }
  // The resource panels (raw, they read every instance × resource × status: 2-3 s through Thanos at
  // 1,000 servers) and the resource access anomaly's baseline read these.
  if (q.has('resourceReads') && q.spelling('resourceReads').labels.resource !== undefined) {
    const reads = q.rate('resourceReads', w, { by: ['resource'] });
    rules.push(
      { record: NAMES.resourceReadRate, expr: reads },
      { record: NAMES.resourceServerErrorRate, expr: `${q.rate('resourceReads', w, { by: ['resource'], subset: 'serverFailed' })} or 0 * ${reads}` },
    );
  }
  if (q.has('selfCorrections')) rules.push({ record: NAMES.selfCorrectionRate, expr: q.rate('selfCorrections', w, byTool) });
  if (q.has('selfCorrections', 'toolCalls')) rules.push({ record: NAMES.toolFailedCallRate, expr: q.rate('toolCalls', w, { ...byTool, subset: 'failed' }) });
  if (q.has('toolCalls')) {
    const calls = q.rate('toolCalls', w, byTool);
    rules.push(
      { record: NAMES.toolCallRate, expr: calls },
      { record: NAMES.toolCallShare, expr: `${calls} / on (${q.keep.join(', ')}) group_left ${sumBy(q.keep, calls)}` },
      { record: NAMES.toolErrorRatio, expr: ratioOrZero(q.rate('toolCalls', w, { ...byTool, subset: 'failed' }), calls) },
    );
    if (q.has('toolErrors')) {
      const serverErrors = q.rate('toolErrors', w, { ...byTool, subset: 'serverFailed' });
      rules.push(
        // 0 where a tool has calls but no server error yet (its error series do not exist before the first error).
        { record: NAMES.toolServerErrorRate, expr: `${serverErrors} or 0 * ${calls}` },
        { record: NAMES.toolServerErrorRatio, expr: ratioOrZero(serverErrors, calls) },
        { record: NAMES.toolValidationErrorRatio,
          expr: ratioOrZero(q.rate('toolErrors', w, { ...byTool, where: { errorType: 'invalid_params' } }), calls) },
        { record: NAMES.toolCallerErrorRatio, expr: ratioOrZero(q.rate('toolErrors', w, { ...byTool, subset: 'callerFailed' }), calls) },
      );
    }
    if (q.has('hallucinations')) {
      rules.push({ record: NAMES.hallucinationRatio, expr: ratioOrZero(q.rate('hallucinations', w), sumBy(q.keep, calls)) });
    }
  }
  if (q.has('handshakes')) {
    const byTransport = { by: ['transport'] as const };
    const handshakes = q.rate('handshakes', w, byTransport);
    rules.push(
      { record: NAMES.handshakeRate, expr: handshakes },
      { record: NAMES.handshakeSuccessRatio,
        expr: `1 - ${ratioOrZero(q.rate('handshakes', w, { ...byTransport, subset: 'failed' }), handshakes)}` },
    );
  }
  return rules;
}

/**
 * The latency quantiles computed from the recorded bucket rate equal the quantiles over the raw
 * buckets, per tool, and ignore the other profile's bucket rate of the same name.
 */
function quantileTests(ctx: RuleContext): TestCase[] {
  if (!ctx.job.has('toolDuration', 'toolCalls')) return [];
  const fx = new Fixtures(ctx);
  const tool = ctx.job.label('toolDuration', 'tool');
  const shapes = { search_docs: { 1: 0.5, 2: 1 }, fetch_url: { 0.5: 0.25, 1: 0.75, 5: 1 } };
  const foreign = PROFILE_NAMES.map((p) => getProfile(p).signals.toolDuration?.labels.tool).find((l) => l && l !== tool);
  const raw = (q: number) => ctx.job.quantile(q, 'toolDuration', ctx.timing.window(RATE_WINDOW), { by: ['tool'] });
  const perTool = (value: number) => Object.keys(shapes).map((t) => ({ labels: render('', fx.toolKept(t)), value }));
  const exprs: ExprCheck[] = RECORDED_QUANTILES.flatMap((q) => [
    { at: '30m', expr: `abs(${NAMES.toolLatency(q)} - on (${[...ctx.job.keep, tool].join(', ')}) ${raw(q)}) < bool 1e-9`, expect: perTool(1) },
    { at: '30m', expr: `count(${NAMES.toolLatency(q)})`, expect: [{ labels: '{}', value: Object.keys(shapes).length }] },
  ]);
  // P95 of search_docs: half the calls under 1 s, all under 2 s → 1 + (0.95 - 0.5) / 0.5 = 1.9 s.
  exprs.push({ at: '30m', expr: `round(${NAMES.toolLatency(0.95)}{${tool}="search_docs"} * 100)`,
    expect: [{ labels: render('', fx.toolKept('search_docs')), value: 190 }] });
  // Calls without a server error yet: the error rate is 0 (its error series do not exist yet), not absent.
  if (ctx.job.has('toolErrors')) {
    exprs.push({ at: '30m', expr: NAMES.toolServerErrorRate,
      expect: Object.keys(shapes).map((t) => ({ labels: render(NAMES.toolServerErrorRate, fx.toolKept(t)), value: 0 })) });
  }
  return [{
    name: 'latency quantiles from the recorded bucket rate equal the raw quantiles, per tool; another profile\'s bucket rate is ignored; '
      + 'no server errors yet record a 0 error rate',
    interval: '1m',
    series: [
      ...Object.entries(shapes).flatMap(([t, latency]) => fx.toolTraffic(t, { ok: 60, latency })),
      ...(foreign ? [{ series: render(NAMES.toolLatencyBuckets, { ...fx.kept('job'), [foreign]: 'other_profile_tool', le: '+Inf' }), values: gauge(1) }] : []),
    ],
    alerts: [],
    exprs,
  }];
}

/** The per-process unknown-request rate keeps instance, client and kind apart, and equals the raw rate. */
function unknownRequestTests(ctx: RuleContext): TestCase[] {
  if (!ctx.instance.has('unknownRequests')) return [];
  const fx = new Fixtures(ctx);
  const client = ctx.instance.label('unknownRequests', 'clientName');
  const kind = ctx.instance.label('unknownRequests', 'kind');
  // Per 1m step: scanner 120 unknown tools (2/s) and 30 unknown methods (0.5/s); honest-agent 6 unknown tools (0.1/s).
  const traffic = [['scanner', 'tool', 120], ['scanner', 'method', 30], ['honest-agent', 'tool', 6]] as const;
  return [{
    name: 'unknown requests are recorded per instance, client and kind at the raw rate',
    interval: '1m',
    series: traffic.map(([c, k, perStep]) => fx.series('unknownRequests', { clientName: c, kind: k }, counter(perStep))),
    alerts: [],
    exprs: [{
      at: '30m',
      expr: NAMES.unknownRequestRate,
      expect: traffic.map(([c, k, perStep]) => ({
        labels: render(NAMES.unknownRequestRate, fx.kept('instance', { [client]: c, [kind]: k })), value: perStep / 60 })),
    }],
  }];
}

export function recordingArea(ctx: RuleContext): AreaRules {
  return { area: 'recording', groups: [{ name: RECORDING_GROUP, rules: recordingRules(ctx) }, { name: QUANTILE_GROUP, rules: quantileRules(ctx) }], alerts: [],
    tests: [...quantileTests(ctx), ...unknownRequestTests(ctx)], reads: [] };
}
