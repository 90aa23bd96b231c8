// Runtime (process / V8 / event loop / GC) families of each profile.
// prom-client: collectDefaultMetrics() plus the V8 heap-limit gauge it lacks.
// otel: the OpenTelemetry Node.js runtime families, collected from process, v8 and perf_hooks.
import { monitorEventLoopDelay, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry, type RegistryContentType } from 'prom-client';
import { family, type Profile } from '@mcp-observability/catalog';

/** Stops whatever the collectors keep running (event-loop histogram, GC observer). */
export type StopRuntime = () => void;

export function registerRuntimeMetrics(profile: Profile, registry: Registry<RegistryContentType>): StopRuntime {
  return profile.name === 'otel' ? registerOtelRuntime(profile, registry) : registerPromClientRuntime(profile, registry);
}

function registerPromClientRuntime(profile: Profile, registry: Registry<RegistryContentType>): StopRuntime {
  collectDefaultMetrics({ register: registry });
  const limit = family(profile, 'nodejs_heap_size_limit_bytes');
  new Gauge({
    name: limit.name, help: limit.help, labelNames: [...limit.labelNames], registers: [registry],
    collect() { this.set(getHeapStatistics().heap_size_limit); },
  });
  // collectDefaultMetrics keeps its own event-loop histogram and GC observer for the process lifetime.
  return () => {};
}

const GC_KINDS: Record<number, string> = {
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

function registerOtelRuntime(profile: Profile, registry: Registry<RegistryContentType>): StopRuntime {
  const def = (name: string) => {
    const f = family(profile, name);
    return { name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] };
  };

  // What the otel profile's "no metrics at all" alert reads: an OpenTelemetry exporter writes it in every language.
  new Gauge({ ...def('target_info'), collect() { this.set(1); } });
  let last = process.cpuUsage();
  new Counter({
    ...def('process_cpu_time_seconds_total'),
    collect() {
      const now = process.cpuUsage();
      this.inc({ cpu_mode: 'user' }, (now.user - last.user) / 1e6);
      this.inc({ cpu_mode: 'system' }, (now.system - last.system) / 1e6);
      last = now;
    },
  });
  new Gauge({ ...def('process_memory_usage_bytes'), collect() { this.set(process.memoryUsage.rss()); } });
  new Gauge({
    ...def('v8js_memory_heap_used_bytes'),
    collect() { for (const s of getHeapSpaceStatistics()) this.set({ v8js_heap_space_name: s.space_name }, s.space_used_size); },
  });
  new Gauge({
    ...def('v8js_memory_heap_limit_bytes'),
    collect() { for (const s of getHeapSpaceStatistics()) this.set({ v8js_heap_space_name: s.space_name }, s.space_size); },
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  new Gauge({
    ...def('nodejs_eventloop_delay_p99_seconds'),
    collect() { this.set(loopDelay.percentile(99) / 1e9); },
  });

  const gcFamily = family(profile, 'v8js_gc_duration_seconds');
  const gc = new Histogram({ ...def(gcFamily.name), buckets: [...(gcFamily.buckets ?? [])] });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      gc.observe({ v8js_gc_type: GC_KINDS[kind ?? -1] ?? 'major' }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  return () => {
    loopDelay.disable();
    observer.disconnect();
  };
}
