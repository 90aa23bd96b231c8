// Resource efficiency, per process: CPU, resident memory, V8 heap against its limit, event-loop
// lag and garbage collection.
import * as units from '@grafana/grafana-foundation-sdk/units';
import { aggregate, ratio } from '../promql/index.js';
import type { DashboardContext, DashboardSpec, RowSpec } from './dashboard.js';
import { RATE_INTERVAL } from './expressions.js';
import type { LintExclusion } from './lint.js';
import { legend, timeseries, timeseriesWithLimit, upperLimit } from './panels.js';
import { RECORDED_EXCLUSION_REASON } from './recorded.js';

const INSTANCE = legend('instance');
const GC_PAUSE_TITLE = 'GC pause P99 by kind';

function cpuAndMemory({ perInstance: q }: DashboardContext): RowSpec {
  return {
    title: 'CPU & memory',
    panels: [
      q.has('cpuSeconds') && timeseries({
        title: 'CPU usage per instance',
        description: 'CPU seconds used per second (user + system); 100% is one full core.',
        unit: units.PercentUnit,
        queries: [{ expr: q.rate('cpuSeconds', RATE_INTERVAL), legend: INSTANCE }],
      }),
      q.has('residentMemory') && timeseries({
        title: 'Resident memory per instance',
        description: 'Resident set size of the server process.',
        unit: units.BytesIEC,
        queries: [{ expr: q.gauge('residentMemory'), legend: INSTANCE }],
      }),
    ],
  };
}

function heap({ perInstance: q, config }: DashboardContext): RowSpec {
  const has = q.has('heapUsed', 'heapLimit');
  return {
    title: 'V8 heap',
    panels: [
      has && timeseries({
        title: 'Heap used vs V8 heap limit',
        description: 'V8 heap in use against the heap size limit, the ceiling past which the process dies out of memory.',
        unit: units.BytesIEC,
        queries: [
          { expr: q.gauge('heapUsed'), legend: `used ${INSTANCE}` },
          { expr: q.gauge('heapLimit'), legend: `limit ${INSTANCE}` },
        ],
      }),
      has && timeseriesWithLimit({
        title: 'Heap used / heap limit',
        description: 'Share of the V8 heap limit in use on the instance of the selection nearest its limit (one line, not one per instance: ' +
          'a fleet stays readable; select an instance to see its own). The dashed line is the heap alert threshold (per instance).',
        unit: units.PercentUnit,
        queries: [{ expr: aggregate('max', [], ratio(q.gauge('heapUsed'), q.gauge('heapLimit'))), legend: 'nearest its limit' }],
      }, upperLimit(config.heap.ratio)).max(1),
    ],
  };
}

function eventLoopAndGc({ perInstance: q, recorded: r, config }: DashboardContext): RowSpec {
  const gcKind = q.has('gcDuration') ? q.label('gcDuration', 'gcKind') : '';
  return {
    title: 'Event loop & garbage collection',
    panels: [
      q.has('eventLoopLag') && timeseriesWithLimit({
        title: 'Event-loop lag P99 per instance',
        description: 'P99 event-loop delay: how long ready callbacks wait. The dashed line is the lag alert threshold.',
        unit: units.Seconds,
        queries: [{ expr: q.gauge('eventLoopLag', 'max'), legend: INSTANCE }],
      }, upperLimit(config.eventLoopLag.maxSeconds)).span(8),
      q.has('gcDuration') && timeseries({
        title: 'Time spent in GC by kind',
        description: 'Seconds of garbage collection per second, by GC kind: the share of wall time lost to GC pauses, on the instance of the selection ' +
          'losing the most (one line per kind, not per instance and kind: a fleet stays readable; select an instance to see its own).',
        unit: units.PercentUnit,
        queries: [{ expr: aggregate('max', [gcKind], q.rate('gcDuration', RATE_INTERVAL, { by: ['gcKind'], part: 'sum' })), legend: legend(gcKind) }],
      }).span(8),
      // Per job, not per instance: one line per process and kind does not read on a fleet, and the
      // raw buckets of every process are the slowest query of this dashboard.
      q.has('gcDuration') && timeseries({
        title: GC_PAUSE_TITLE,
        description: 'P99 garbage-collection pause over 5-minute windows, per job and GC kind (from the GC histogram\'s bucket rates, recorded per job).',
        unit: units.Seconds,
        queries: [{ expr: r.quantile(0.99, 'gcDurationBuckets', ['job', q.label('gcDuration', 'gcKind')]), legend: legend('job', q.label('gcDuration', 'gcKind')) }],
      }).span(8),
    ],
  };
}

export const resources: DashboardSpec = {
  name: 'resources',
  title: 'Resource efficiency',
  description: 'Per-process CPU, resident memory, V8 heap against its limit, event-loop lag and garbage collection.',
  rows: (ctx) => [cpuAndMemory(ctx), heap(ctx), eventLoopAndGc(ctx)],
};

/** Panels reading recorded series, which carry no instance label (dashboard-linter exclusions, with reasons). */
export const RESOURCES_LINT_EXCLUSIONS: readonly LintExclusion[] =
  [{ rule: 'target-instance-rule', panel: GC_PAUSE_TITLE, reason: RECORDED_EXCLUSION_REASON }];
