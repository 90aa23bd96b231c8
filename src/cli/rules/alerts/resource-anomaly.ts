// Resource access anomaly: a resource read far more than its rolling baseline, with the same
// z-score and guards as the tool call-volume anomaly (config.anomaly): the z-score must agree with
// a ratio to the mean and an absolute floor, the baseline must be half full, and it must hold.
// Only where reads are labelled by resource (prom-client): per job it would be the request rate.
import { firing } from '../alert.js';
import { zScoreBaseline } from '../anomaly.js';
import { ownSeries, type RuleContext } from '../context.js';
import { formatDuration, seconds } from '../duration.js';
import { NAMES } from '../recorded.js';
import { Fixtures } from '../tests/fixtures.js';
import type { AlertDef, InputSeries, RuleGroup, TestCase } from '../types.js';

export function resourceAnomaly(ctx: RuleContext): { groups: RuleGroup[]; def: AlertDef; test: TestCase } | undefined {
  const q = ctx.job;
  if (!q.has('resourceReads') || q.spelling('resourceReads').labels.resource === undefined) return undefined;
  const { config, timing } = ctx;
  const a = config.anomaly;
  const resource = q.label('resourceReads', 'resource');
  const own = (name: string) => ownSeries(name, resource);
  const rate = own(NAMES.resourceReadRate);
  const key = [...q.keep, resource].join(', ');
  const warmUp = formatDuration(seconds(a.baseline) / 2);
  // The read rate is recorded by the recording area (the resource panels read it too).
  const baseline = zScoreBaseline(rate, timing.window(a.baseline),
    { mean: NAMES.resourceReadBaselineMean, stddev: NAMES.resourceReadBaselineStddev, zScore: NAMES.resourceReadZScore });
  const guards = `z-score above ${a.zScore}, read rate above ${a.minRate}/s, at least ${warmUp} of history`;
  const def: AlertDef = {
    name: 'McpResourceAccessAnomaly',
    summary: 'An MCP resource is read far more than usual.',
    description: `Reads of resource {{ $labels.${resource} }} on job {{ $labels.job }} are far above their ${a.baseline} baseline (${guards}, more than ${a.minRatio}x the mean).`,
    doc: {
      meaning: `The resource's read rate (a registered URI, or all URIs of one URI template) left its ${a.baseline} band: ${guards}, more than ${a.minRatio}x the baseline mean, for ${a.for}. The guards are the tool call-volume anomaly's (config.anomaly).`,
      impact: 'Someone or something is pulling one resource hard: an agent re-reading context in a loop, a crawler walking a URI template, or data exfiltration.',
      diagnosis: ['Quality dashboard, Resource access row: reads by resource and status, top resources; which client drives it (logs carry the session and client).',
        'A template (docs://pages/{id}-style) read far more often: is one client walking every id?',
        'Planned launch or batch job? Then it is expected: the baseline adapts within a day.'],
      mitigation: ['Rate-limit or disconnect the client; revoke its credentials if it is exfiltrating.', 'Cache the resource for agents that re-read it.',
        'If legitimate, the alert clears as the baseline adapts.'],
    },
    variants: [{
      expr: `${own(NAMES.resourceReadZScore)} > ${a.zScore}\nand on (${key})\n${rate} > ${a.minRate}\nand on (${key})\n` +
        `${rate} > ${a.minRatio} * ${own(NAMES.resourceReadBaselineMean)}\nand on (${key})\n(${rate} offset ${timing.window(warmUp)})`,
      for: timing.hold(a.for), severity: 'warning',
    }],
  };

  // One baseline window plus two hours of per-minute reads with a daily wave; at the end a
  // 20-minute spike on the page template fires, the steady index stays silent.
  const fx = new Fixtures(ctx);
  const SEGMENT = 10;
  const minutes = Math.ceil(seconds(a.baseline) / 60 / SEGMENT) * SEGMENT + 120;
  const spikeAt = minutes - 60;
  const spikeEnd = spikeAt + 20;
  const base = (i: number) => 60 * (1 + 0.2 * Math.sin((2 * Math.PI * i * SEGMENT) / 1440));
  const inSpike = (i: number) => i * SEGMENT >= spikeAt && i * SEGMENT < spikeEnd;
  const counterOf = (perMinute: (i: number) => number): string => {
    let c = 0;
    const runs: string[] = [];
    for (let i = 0; i < minutes / SEGMENT; i++) {
      const r = Number(perMinute(i).toFixed(2));
      runs.push(`${Number(c.toFixed(2))}+${r}x${SEGMENT - 1}`);
      c += r * SEGMENT;
    }
    return runs.join(' ');
  };
  const reads = (uri: string, perMinute: (i: number) => number): InputSeries =>
    fx.series('resourceReads', { resource: uri, outcome: 'ok' }, counterOf(perMinute));
  const page = 'docs://pages/{id}';
  const at = (m: number) => formatDuration(m * 60);
  const holdMinutes = seconds(a.for) / 60;
  const test: TestCase = {
    name: `${def.name}: a 5x spike on one resource fires after its hold; a steady resource stays silent`,
    interval: '1m',
    series: [reads(page, (i) => base(i) * (inSpike(i) ? 5 : 1)), reads('docs://index', base)],
    alerts: [
      { at: at(spikeAt + holdMinutes - 1), alert: def.name, expect: [] },
      { at: at(spikeAt + holdMinutes + 5), alert: def.name, expect: [firing(def, config, 0, fx.kept('job', { [resource]: page }),
        `Reads of resource ${page} on job ${fx.scope.job} are far above their ${a.baseline} baseline (${guards}, more than ${a.minRatio}x the mean).`)] },
      { at: at(spikeEnd + 30), alert: def.name, expect: [] },
    ],
  };
  return {
    groups: [{ name: 'mcp-content-baseline', rules: baseline }],
    def, test,
  };
}
