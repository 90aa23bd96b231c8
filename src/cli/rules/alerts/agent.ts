// Agent alerts: hallucinated tool calls, self-correction and agent task success (signals only our instrumentation exports).
import { OVERFLOW_VALUE } from '@mcp-observability/catalog';
import { sumBy } from '../../promql/index.js';
import { ratioOrZero } from '../../promql/expr.js';
import { alertingRules, firing } from '../alert.js';
import { ownToolSeries, type RuleContext } from '../context.js';
import { formatDuration, seconds } from '../duration.js';
import { NAMES, RATE_WINDOW } from '../recorded.js';
import { counter, Fixtures } from '../tests/fixtures.js';
import { humanizePercentage } from '../tests/humanize.js';
import type { AlertDef, AreaRules, TestCase } from '../types.js';
import { firesAt } from './guards.js';

/** Tasks finish far less often than tools are called: judge success over an hour. */
export const TASK_WINDOW = '1h';
/** Fewer finished tasks than this per TASK_WINDOW make the success ratio noise. */
export const MIN_TASKS_PER_WINDOW = 10;

export function agentArea(ctx: RuleContext): AreaRules | undefined {
  const { config } = ctx;
  const q = ctx.job;
  const fx = new Fixtures(ctx);
  const alerts: AlertDef[] = [];
  const tests: TestCase[] = [];
  const keep = q.keep.join(', ');

  if (q.has('toolCalls', 'hallucinations')) {
    const { max } = config.hallucinationRatio;
    const def: AlertDef = {
      name: 'McpToolHallucinationRateHigh',
      summary: 'Agents call unknown tools or send schema-violating arguments too often.',
      description: `{{ $value | humanizePercentage }} of tool calls on job {{ $labels.job }} were hallucinated (unknown tool or arguments violating the schema) over ${RATE_WINDOW} (threshold ${humanizePercentage(max)}).`,
      doc: {
        meaning: `More than ${humanizePercentage(max)} of tool calls named a tool that does not exist or sent arguments that fail its schema, for ${config.hallucinationRatio.for}.`,
        impact: 'Agents waste turns and tokens, and tasks fail; often a model change or a misleading tool list.',
        diagnosis: ['Quality dashboard: hallucinations by kind and tool; which client / model sends them.', 'Did tools get renamed or removed (agents still call old names)?',
          'Compare tool descriptions with what the model sends.'],
        mitigation: ['Keep old tool names as aliases for a while after renaming.', 'Improve tool names and descriptions; trim the tool list.', 'Roll back the client\'s model or prompt change.'],
      },
      variants: [{
        expr: `${NAMES.hallucinationRatio} > ${max}\nand on (${keep})\n${sumBy(q.keep, ownToolSeries(ctx, NAMES.toolCallRate))} >= ${config.minToolRate}`,
        for: ctx.timing.hold(config.hallucinationRatio.for), severity: 'warning',
      }],
    };
    alerts.push(def);
    const share = Math.min(max * 2, 0.5);
    const perStep = 60;
    const hallucinated = (n: number) => fx.series('hallucinations', { tool: '_OTHER', kind: 'unknown_tool' }, counter(n));
    const quiet = (config.minToolRate * 60) / 2;
    tests.push({
      name: `hallucinations at ${humanizePercentage(share)} fire`,
      interval: '1m',
      series: [...fx.toolTraffic('search_docs', { ok: perStep }), hallucinated(perStep * share)],
      alerts: [
        { at: config.hallucinationRatio.for, alert: def.name, expect: [] },
        { at: firesAt(config.hallucinationRatio.for), alert: def.name, expect: [firing(def, config, 0, fx.kept('job'),
          `${humanizePercentage(share)} of tool calls on job ${fx.scope.job} were hallucinated (unknown tool or arguments violating the schema) over ${RATE_WINDOW} (threshold ${humanizePercentage(max)}).`)] },
      ],
    }, {
      name: 'hallucinations under the threshold stay silent',
      interval: '1m',
      series: [...fx.toolTraffic('search_docs', { ok: perStep }), hallucinated(perStep * max / 2)],
      alerts: [{ at: firesAt(config.hallucinationRatio.for, 600), alert: def.name, expect: [] }],
    }, {
      name: 'hallucinations on a server too quiet to judge stay silent',
      interval: '1m',
      series: [...fx.toolTraffic('search_docs', { ok: quiet }), hallucinated(quiet)],
      alerts: [{ at: firesAt(config.hallucinationRatio.for, 600), alert: def.name, expect: [] }],
    });
  }

  if (q.has('selfCorrections', 'toolCalls')) {
    const { min, minFailures, window, for: hold } = config.selfCorrection;
    const w = ctx.timing.window(window);
    // Failed calls of registered tools: a call to an unknown name has no "same tool" to correct it.
    const failed = q.rate('toolCalls', w, { subset: 'failed', where: { tool: { op: '!=', value: OVERFLOW_VALUE } } });
    const def: AlertDef = {
      name: 'McpSelfCorrectionRatioLow',
      summary: 'Agents recover from few of their failed tool calls: they may be giving up.',
      description: `Only {{ $value | humanizePercentage }} of failed tool calls on job {{ $labels.job }} were followed by a successful call of the same tool in the same task or session over ${window} (threshold ${humanizePercentage(min)}).`,
      doc: {
        meaning: `Of the calls to registered tools that failed over ${window} (at least ${minFailures}), fewer than ${humanizePercentage(min)} were followed, within the instrumentation's self-correction window (selfCorrectionWindowSeconds, default 5 minutes), by a successful call of the same tool in the same task (tools/call _meta task id) or session, for ${hold}. ` +
          `Agents that read the error usually fix their arguments or retry, so well over half of failures are corrected; the default ${humanizePercentage(min)} leaves room for failures no retry can fix. ` +
          'Failures in the last few minutes of the window have not had their chance yet, so the ratio reads a little low under steady failures.',
        impact: 'Agents abandon tasks after the first error instead of recovering: task success falls even though tools work on a second try.',
        diagnosis: ['Quality dashboard, Agentic quality row: self-correction ratio and corrections by tool next to validation and tool error ratios.',
          'Which failures go uncorrected: tool errors whose text does not say what to change, or validation errors from a schema the model cannot satisfy.',
          'A client or model change (client variable on the prom-client dashboards) that stopped retrying.'],
        mitigation: ['Make tool error texts actionable (what was wrong, what to send instead).', 'Fix the tool or schema behind the uncorrectable failures.',
          'Roll back the client or model change; if the agents by design never retry, lower selfCorrection.min in the config.'],
      },
      variants: [{
        expr: `${ratioOrZero(q.rate('selfCorrections', w), failed)} < ${min}\nand on (${keep})\n${failed} >= ${(minFailures / seconds(window)).toFixed(6)}`,
        for: ctx.timing.hold(hold), severity: 'warning',
      }],
    };
    alerts.push(def);
    const perStep = 60;
    const failures = 10;
    const steps = Math.ceil((seconds(window) + seconds(hold)) / 60) + 10;
    const traffic = (corrected: number, failedPerStep = failures) => [
      ...fx.toolTraffic('search_docs', { ok: perStep, server: failedPerStep, steps }),
      fx.series('selfCorrections', { tool: 'search_docs' }, counter(corrected, steps)),
    ];
    const at = formatDuration(seconds(hold) + seconds(window));
    tests.push({
      name: 'self-correction at 20 % fires',
      interval: '1m',
      series: traffic(failures * 0.2),
      alerts: [
        { at: formatDuration(seconds(hold)), alert: def.name, expect: [] },
        { at, alert: def.name, expect: [firing(def, config, 0, fx.kept('job'),
          `Only 20% of failed tool calls on job ${fx.scope.job} were followed by a successful call of the same tool in the same task or session over ${window} (threshold ${humanizePercentage(min)}).`)] },
      ],
    }, {
      name: 'self-correction at 80 % stays silent',
      interval: '1m',
      series: traffic(failures * 0.8),
      alerts: [{ at, alert: def.name, expect: [] }],
    }, {
      name: 'uncorrected failures too few to judge stay silent',
      interval: '1m',
      series: traffic(0, (minFailures / seconds(window)) * 60 / 2),
      alerts: [{ at, alert: def.name, expect: [] }],
    });
  }

  if (q.has('agentTasks')) {
    const { min } = config.taskSuccess;
    const w = ctx.timing.window(TASK_WINDOW);
    const total = q.rate('agentTasks', w);
    const def: AlertDef = {
      name: 'McpAgentTaskSuccessLow',
      summary: 'Too few agent tasks finish successfully.',
      description: `Only {{ $value | humanizePercentage }} of agent tasks on job {{ $labels.job }} succeeded over ${TASK_WINDOW} (target ${humanizePercentage(min)}).`,
      doc: {
        meaning: `Of the agent tasks reported finished over ${TASK_WINDOW}, fewer than ${humanizePercentage(min)} succeeded (at least ${MIN_TASKS_PER_WINDOW} tasks), for ${config.taskSuccess.for}.`,
        impact: 'Users do not get what they asked for even if every tool call looks healthy.',
        diagnosis: ['Quality dashboard: task outcomes and turns per task; tool error, validation and hallucination ratios at the same time.',
          'Many turns before failure points at agents looping; few turns at a missing capability.'],
        mitigation: ['Fix the failing tool (see the tool alerts).', 'Improve tool descriptions so agents pick the right tool.', 'Roll back a recent model or prompt change.'],
      },
      variants: [{
        expr: `${ratioOrZero(q.rate('agentTasks', w, { where: { outcome: 'success' } }), total)} < ${min}\nand on (${keep})\n${total} >= ${(MIN_TASKS_PER_WINDOW / seconds(TASK_WINDOW)).toFixed(6)}`,
        for: ctx.timing.hold(config.taskSuccess.for), severity: 'warning',
      }],
    };
    alerts.push(def);
    const steps = Math.ceil(seconds(config.taskSuccess.for) / 60) + 10;
    const tasks = (ok: number, failed: number) => fx.outcomes('agentTasks', {}, { ok, failed }, { ok: 'success', failed: 'failure' }, steps);
    tests.push({
      name: 'task success at 50 % fires',
      interval: '1m',
      series: tasks(10, 10),
      alerts: [
        { at: config.taskSuccess.for, alert: def.name, expect: [] },
        { at: firesAt(config.taskSuccess.for), alert: def.name, expect: [firing(def, config, 0, fx.kept('job'),
          `Only 50% of agent tasks on job ${fx.scope.job} succeeded over ${TASK_WINDOW} (target ${humanizePercentage(min)}).`)] },
      ],
    }, {
      name: 'task success at 95 % stays silent',
      interval: '1m',
      series: tasks(19, 1),
      alerts: [{ at: firesAt(config.taskSuccess.for), alert: def.name, expect: [] }],
    }, {
      name: 'failing tasks too few to judge stay silent',
      interval: '1m',
      series: tasks(0, 0.1),
      alerts: [{ at: firesAt(config.taskSuccess.for), alert: def.name, expect: [] }],
    });
  }
  if (!alerts.length) return undefined;
  return { area: 'agent', groups: [{ name: 'mcp-agent-alerts', rules: alerts.flatMap((a) => alertingRules(a, config)) }], alerts, tests, reads: ['recording'] };
}
