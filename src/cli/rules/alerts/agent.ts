// Agent alerts: hallucinated tool calls and agent task success (signals only our instrumentation exports).
import { sumBy } from '../../promql/index.js';
import { ratioOrZero } from '../../promql/expr.js';
import { alertingRules, firing } from '../alert.js';
import { ownToolSeries, type RuleContext } from '../context.js';
import { seconds } from '../duration.js';
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
