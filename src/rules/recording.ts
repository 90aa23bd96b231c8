// Recording rules: the per-tool and per-transport series that alerts and dashboards read.
import { sumBy } from '../promql/index.js';
import { ratioOrZero } from '../promql/expr.js';
import type { RuleContext } from './context.js';
import { NAMES, RATE_WINDOW, RECORDED_QUANTILES } from './recorded.js';
import type { AreaRules, RecordingRule } from './types.js';

export const RECORDING_GROUP = 'mcp-recording';

export function recordingRules(ctx: RuleContext): RecordingRule[] {
  const q = ctx.job;
  const w = ctx.timing.window(RATE_WINDOW);
  const byTool = { by: ['tool'] as const };
  const rules: RecordingRule[] = [];
  if (q.has('toolDuration')) {
    for (const quantile of RECORDED_QUANTILES) {
      rules.push({ record: NAMES.toolLatency(quantile), expr: q.quantile(quantile, 'toolDuration', w, byTool) });
    }
  }
  if (q.has('toolCalls')) {
    const calls = NAMES.toolCallRate;
    rules.push(
      { record: calls, expr: q.rate('toolCalls', w, byTool) },
      { record: NAMES.toolCallShare, expr: `${calls} / on (${q.keep.join(', ')}) group_left ${sumBy(q.keep, calls)}` },
      { record: NAMES.toolErrorRatio, expr: ratioOrZero(q.rate('toolCalls', w, { ...byTool, subset: 'failed' }), calls) },
    );
    if (q.has('toolErrors')) {
      rules.push(
        { record: NAMES.toolServerErrorRatio,
          expr: ratioOrZero(q.rate('toolErrors', w, { ...byTool, subset: 'serverFailed' }), calls) },
        { record: NAMES.toolValidationErrorRatio,
          expr: ratioOrZero(q.rate('toolErrors', w, { ...byTool, where: { errorType: 'invalid_params' } }), calls) },
      );
    }
    if (q.has('hallucinations')) {
      rules.push({ record: NAMES.hallucinationRatio, expr: ratioOrZero(q.rate('hallucinations', w), sumBy(q.keep, calls)) });
    }
  }
  if (q.has('handshakes')) {
    const byTransport = { by: ['transport'] as const };
    rules.push(
      { record: NAMES.handshakeRate, expr: q.rate('handshakes', w, byTransport) },
      { record: NAMES.handshakeSuccessRatio,
        expr: `1 - ${ratioOrZero(q.rate('handshakes', w, { ...byTransport, subset: 'failed' }), NAMES.handshakeRate)}` },
    );
  }
  return rules;
}

export function recordingArea(ctx: RuleContext): AreaRules {
  return { area: 'recording', groups: [{ name: RECORDING_GROUP, rules: recordingRules(ctx) }], alerts: [], tests: [], reads: [] };
}
