// Process alerts: V8 heap close to its limit, event-loop lag.
import { alertingRules, firing } from '../alert.js';
import type { RuleContext } from '../context.js';
import { seconds } from '../duration.js';
import { Fixtures, gauge } from '../tests/fixtures.js';
import { humanizeDuration, humanizePercentage } from '../tests/humanize.js';
import type { AlertDef, AreaRules, InputSeries, TestCase } from '../types.js';
import { firesAt } from './guards.js';

const MIB = 1024 * 1024;

export function resourcesArea(ctx: RuleContext): AreaRules | undefined {
  const { config } = ctx;
  const q = ctx.instance;
  const fx = new Fixtures(ctx);
  const alerts: AlertDef[] = [];
  const tests: TestCase[] = [];
  const stepsFor = (hold: string) => Math.ceil(seconds(hold) / 60) + 10;

  if (q.has('heapUsed', 'heapLimit')) {
    const { ratio } = config.heap;
    const def: AlertDef = {
      name: 'McpHeapNearLimit',
      summary: 'An MCP server\'s V8 heap is close to its limit.',
      description: `Heap used on {{ $labels.instance }} (job {{ $labels.job }}) is {{ $value | humanizePercentage }} of the V8 heap limit (threshold ${humanizePercentage(ratio)}).`,
      doc: {
        meaning: `Heap in use is above ${humanizePercentage(ratio)} of the V8 heap limit (--max-old-space-size) for ${config.heap.for}. The limit, not the committed heap, is the denominator: committed heap runs at 80-90 % on healthy processes.`,
        impact: 'Garbage collection gets frequent and slow (latency rises), then the process crashes with "JavaScript heap out of memory" and drops every session.',
        diagnosis: ['Resources dashboard: heap used vs limit, GC duration, sessions per instance.', 'A steady climb is a leak (sessions, caches, listeners); a jump follows a large request or payload.',
          'Take a heap snapshot (node --inspect, or --heapsnapshot-signal) before restarting.'],
        mitigation: ['Restart the instance to recover; drain sessions first where possible.', 'Raise --max-old-space-size if the workload needs it.', 'Fix the leak; cap cache and payload sizes.'],
      },
      variants: [{ expr: `${q.gauge('heapUsed')} / ${q.gauge('heapLimit')} > ${ratio}`, for: ctx.timing.hold(config.heap.for), severity: 'critical' }],
    };
    alerts.push(def);
    const steps = stepsFor(config.heap.for);
    const usedShare = (1 + ratio) / 2;
    // otel reports heap per space: split used and limit over two spaces so the sums are what is tested.
    const heap = (usedMib: number, limitMib: number, instance: string): InputSeries[] => {
      const spaces = q.spelling('heapUsed').labels.heapSpace ? [['old_space', 0.75], ['new_space', 0.25]] as const : [[undefined, 1]] as const;
      return spaces.flatMap(([space, part]) => {
        const roles = space ? { heapSpace: space } : {};
        return [fx.series('heapUsed', roles, gauge(usedMib * MIB * part, steps), { extra: { instance } }),
          fx.series('heapLimit', roles, gauge(limitMib * MIB * part, steps), { extra: { instance } })];
      });
    };
    tests.push({
      name: `heap at ${humanizePercentage(usedShare)} of the limit fires; at 50 % stays silent`,
      interval: '1m',
      series: [...heap(1000 * usedShare, 1000, fx.scope.instance as string), ...heap(500, 1000, 'quiet:3100')],
      alerts: [
        { at: firesAt(config.heap.for, -60), alert: def.name, expect: [] },
        { at: firesAt(config.heap.for, 0), alert: def.name, expect: [firing(def, config, 0, fx.kept('instance'),
          `Heap used on ${fx.scope.instance} (job ${fx.scope.job}) is ${humanizePercentage(usedShare)} of the V8 heap limit (threshold ${humanizePercentage(ratio)}).`)] },
      ],
    });
  }

  if (q.has('eventLoopLag')) {
    const { maxSeconds } = config.eventLoopLag;
    const def: AlertDef = {
      name: 'McpEventLoopLagHigh',
      summary: 'An MCP server\'s event loop is lagging.',
      description: `Event-loop lag (P99) on {{ $labels.instance }} (job {{ $labels.job }}) is {{ $value | humanizeDuration }} (threshold ${humanizeDuration(maxSeconds)}).`,
      doc: {
        meaning: `The P99 event-loop delay has stayed above ${humanizeDuration(maxSeconds)} for ${config.eventLoopLag.for}: JavaScript is blocking the loop.`,
        impact: 'Every request on the process waits, including health checks and /metrics; all tools get slower at once.',
        diagnosis: ['Resources dashboard: event-loop lag against CPU and GC duration.', 'High CPU: a tool doing synchronous work (JSON of large payloads, regexes, crypto); high GC: see heap.',
          'Profile with node --cpu-prof or clinic.'],
        mitigation: ['Move heavy work to worker threads or another service.', 'Cap payload sizes.', 'Scale out to spread load.'],
      },
      variants: [{ expr: `${q.gauge('eventLoopLag', 'max')} > ${maxSeconds}`, for: ctx.timing.hold(config.eventLoopLag.for), severity: 'warning' }],
    };
    alerts.push(def);
    const steps = stepsFor(config.eventLoopLag.for);
    const lag = maxSeconds * 2.5;
    tests.push({
      name: 'event-loop lag above the threshold fires; below it stays silent',
      interval: '1m',
      series: [fx.series('eventLoopLag', {}, gauge(lag, steps)), fx.series('eventLoopLag', {}, gauge(maxSeconds / 2, steps), { extra: { instance: 'quiet:3100' } })],
      alerts: [
        { at: firesAt(config.eventLoopLag.for, -60), alert: def.name, expect: [] },
        { at: firesAt(config.eventLoopLag.for, 0), alert: def.name, expect: [firing(def, config, 0, fx.kept('instance'),
          `Event-loop lag (P99) on ${fx.scope.instance} (job ${fx.scope.job}) is ${humanizeDuration(lag)} (threshold ${humanizeDuration(maxSeconds)}).`)] },
      ],
    });
  }
  if (!alerts.length) return undefined;
  return { area: 'resources', groups: [{ name: 'mcp-resources-alerts', rules: alerts.flatMap((a) => alertingRules(a, config)) }], alerts, tests, reads: [] };
}
