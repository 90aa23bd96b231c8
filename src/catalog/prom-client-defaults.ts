// The rest of prom-client's collectDefaultMetrics() families (prom-client 15, Linux), so the
// prom-client profile lists everything a scrape shows. The ones dashboards read (CPU, RSS, heap,
// event-loop p99, GC) stay in prom-client.ts next to their signals.
import type { MetricFamily } from './types.js';

const runtimeGauge = (name: string, help: string, labelNames: readonly string[] = []): MetricFamily =>
  ({ name, type: 'gauge', unit: name.endsWith('_bytes') ? 'bytes' : name.endsWith('_seconds') ? 'seconds' : 'none',
    layer: 'resource', runtime: true, help, labelNames });
const runtimeCounter = (name: string, help: string): MetricFamily =>
  ({ name, type: 'counter', unit: 'seconds', layer: 'resource', runtime: true, help, labelNames: [] });

export const PROM_CLIENT_DEFAULT_FAMILIES: readonly MetricFamily[] = [
  runtimeCounter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.'),
  runtimeCounter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.'),
  runtimeGauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.'),
  runtimeGauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.'),
  runtimeGauge('process_heap_bytes', 'Process heap size in bytes.'),
  runtimeGauge('process_open_fds', 'Number of open file descriptors.'),
  runtimeGauge('process_max_fds', 'Maximum number of open file descriptors.'),
  runtimeGauge('nodejs_eventloop_lag_seconds', 'Lag of event loop in seconds.'),
  runtimeGauge('nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.'),
  runtimeGauge('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.'),
  runtimeGauge('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.'),
  runtimeGauge('nodejs_eventloop_lag_stddev_seconds', 'The standard deviation of the recorded event loop delays.'),
  runtimeGauge('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.'),
  runtimeGauge('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.'),
  runtimeGauge('nodejs_active_resources',
    'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.', ['type']),
  runtimeGauge('nodejs_active_resources_total', 'Total number of active resources.'),
  runtimeGauge('nodejs_active_handles',
    'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.', ['type']),
  runtimeGauge('nodejs_active_handles_total', 'Total number of active handles.'),
  runtimeGauge('nodejs_active_requests',
    'Number of active libuv requests grouped by request type. Every request type is C++ class name.', ['type']),
  runtimeGauge('nodejs_active_requests_total', 'Total number of active requests.'),
  runtimeGauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.'),
  runtimeGauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.'),
  runtimeGauge('nodejs_heap_space_size_total_bytes', 'Process heap space size total from Node.js in bytes.', ['space']),
  runtimeGauge('nodejs_heap_space_size_used_bytes', 'Process heap space size used from Node.js in bytes.', ['space']),
  runtimeGauge('nodejs_heap_space_size_available_bytes', 'Process heap space size available from Node.js in bytes.', ['space']),
  runtimeGauge('nodejs_version_info', 'Node.js version info.', ['version', 'major', 'minor', 'patch']),
];
