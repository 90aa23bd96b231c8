// Synthetic fleet history: every catalogue family of a profile, for N servers × T tools, written as
// OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`. Streamed family by family
// (OpenMetrics forbids interleaving families), each series' samples in time order, never held in
// memory. Deterministic (seeded), so a cached TSDB can be reused for the same parameters. Every label
// value a timed query selects is written (fleet-selected.ts), so no panel is timed on no data.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { getProfile, OTEL_OPERATION_FAMILY, OVERFLOW_VALUE, seriesNames, type MetricFamily, type ProfileName } from '../src/catalog/index.js';
// Same deterministic PRNG as the simulator: same shape, same bytes.
import { seededRandom } from '../src/simulator/random.js';
import type { SelectedValues } from './fleet-selected.js';

export interface FleetShape {
  profile: ProfileName;
  servers: number;
  tools: number;
  /** Unix seconds of the first and last sample. */
  start: number;
  end: number;
  intervalSeconds: number;
  /** Label values the timed queries select: each is written besides the sample values below. */
  selected: SelectedValues;
  /** Alert names: some servers have one of them pending or firing in ALERTS, which alert panels list. */
  alerts: readonly string[];
}

type Labels = Record<string, string>;
/** How a series' value evolves with the sample index i: see valueAt. */
type Kind = 'lin' | 'linf' | 'const' | 'wave';
interface Series {
  name: string;
  labels: Labels;
  kind: Kind;
  a: number;
}


export function toolName(i: number): string {
  return `tool_${String(i).padStart(2, '0')}`;
}

/**
 * Sample label values per catalogue label (prom-client spelling), besides those the queries select
 * (e.g. `mcp_unknown_requests_total`'s kind tool|method comes only from them); `tool` and `error_type` are per tool.
 */
const VALUES: Record<string, readonly string[]> = {
  status: ['ok', 'error'], outcome: ['ok', 'error'], 'mcp_handshakes_total.outcome': ['success', 'failure'],
  'mcp_agent_tasks_total.outcome': ['success', 'failure', 'abandoned'], 'mcp_agent_task_turns.outcome': ['success', 'failure', 'abandoned'], transport: ['http'],
  method: ['initialize', 'ping', 'tools/list', 'tools/call', 'resources/read'],
  direction: ['in', 'out'], type: ['request', 'response', 'notification', 'error'], code: ['-32601', '-32602', '-32603'],
  client_name: ['claude-code', 'cursor'], protocol_version: ['2025-11-25'], token_type: ['input', 'output'],
  'mcp_tool_hallucinations_total.kind': ['unknown_tool', 'invalid_arguments'], 'nodejs_gc_duration_seconds.kind': ['minor', 'major'], reason: ['missing', 'bad_host', 'rate_limited'], detector: ['email', 'api_key'],
  cpu_mode: ['user', 'system'], v8js_heap_space_name: ['new_space', 'old_space', 'code_space', 'large_object_space'],
  v8js_gc_type: ['minor', 'major'], network_transport: ['tcp'], mcp_protocol_version: ['2025-11-25'],
  space: ['new', 'old', 'code', 'large_object'], 'nodejs_active_resources.type': ['TCPSocketWrap', 'Timeout'],
  'nodejs_active_handles.type': ['Socket', 'Server'], 'nodejs_active_requests.type': ['FSReqCallback'],
  version: ['v20.20.2'], major: ['20'], minor: ['20'], patch: ['2'],
  client: ['claude-code', 'cursor'], location: ['input', 'output', 'log'], fingerprint: ['3f2a9c1e0b7d4e55'], change: ['modified'],
  'mcp_sessions_closed_total.reason': ['client_closed', 'reaped_idle', 'transport_error', 'server_shutdown'], limit: ['client', 'tool'],
  resource: ['docs://index', 'docs://pages/{id}'], 'mcp_resource_reads_total.status': ['ok', 'not_found', 'error'], prompt: ['summarise', 'review'],
};
const ERROR_TYPES = ['invalid_params', 'tool_error', 'timeout', 'unknown_tool', 'internal_error'];

const union = (values: readonly string[], more: readonly string[] = []): string[] => [...new Set([...values, ...more])];

/** Every value the queries select on any series of a family (histogram buckets aside), by label. */
function selectedFor(f: MetricFamily, selected: SelectedValues): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of seriesNames(f)) {
    for (const [label, matchers] of Object.entries(selected[name] ?? {})) if (label !== 'le') out[label] = union(out[label] ?? [], matchers.flat());
  }
  return out;
}

/** Label combinations a family shows on one busy server: the sample values and every selected one. */
function labelSets(f: MetricFamily, tools: readonly string[], selected: Record<string, string[]>): Labels[] {
  if (f.name === OTEL_OPERATION_FAMILY) return otelOperationLabelSets(tools, selected);
  const toolValues = union(tools, selected.tool);
  let out: Labels[] = [{}];
  for (const label of f.labelNames) {
    if (label === 'error_type' && f.labelNames.includes('tool')) continue; // set per tool below
    if (label === 'error_type' && f.name.includes('session')) continue; // sessions end without error
    const values = label === 'tool' ? toolValues : union(VALUES[`${f.name}.${label}`] ?? VALUES[label] ?? [], selected[label]);
    if (values.length === 0) throw new Error(`fleet generator has no sample values for label ${label} of ${f.name}; add it to VALUES`);
    out = out.flatMap((combo) => values.map((v) => ({ ...combo, [label]: v })));
  }
  if (f.labelNames.includes('error_type') && f.labelNames.includes('tool')) {
    // Tool i fails with type i (cycling); with fewer tools than types, the types left over go to the tools in turn too.
    const errorTypes = union(ERROR_TYPES, selected.error_type);
    const typesOf = (i: number) => [errorTypes[i % errorTypes.length]!, ...errorTypes.slice(toolValues.length).filter((_, k) => (k + toolValues.length) % toolValues.length === i)];
    out = out.flatMap((l) => typesOf(toolValues.indexOf(l.tool!)).map((error_type) => ({ ...l, error_type })));
  }
  return out;
}

/**
 * semconv operation histogram: non-tool methods once, unknown methods as one -32601 failure, each
 * tool ok plus one failure kind (empty labels left out).
 */
function otelOperationLabelSets(registered: readonly string[], selected: Record<string, string[]>): Labels[] {
  const common = { network_transport: 'tcp', mcp_protocol_version: '2025-11-25' };
  const methods = union(['initialize', 'ping', 'tools/list'], selected.mcp_method_name).filter((m) => m !== 'tools/call' && m !== OVERFLOW_VALUE);
  const sets: Labels[] = methods.map((m) => ({ ...common, mcp_method_name: m }));
  sets.push({ ...common, mcp_method_name: OVERFLOW_VALUE, error_type: '-32601', rpc_response_status_code: '-32601' });
  // Other transports a query selects (stdio sessions are network.transport "pipe"): their sessions' initialize.
  for (const transport of (selected.network_transport ?? []).filter((t) => t !== common.network_transport)) {
    sets.push({ ...common, network_transport: transport, mcp_method_name: 'initialize' });
  }
  const tools = union(registered, selected.gen_ai_tool_name);
  tools.forEach((tool, i) => {
    const call = { ...common, mcp_method_name: 'tools/call', gen_ai_tool_name: tool };
    sets.push(call, i % 2 === 0 ? { ...call, error_type: 'tool_error' } : { ...call, error_type: '-32602', rpc_response_status_code: '-32602' });
  });
  return sets;
}

/** Expands a family's label set into the series Prometheus stores, with values over time. */
function familySeries(f: MetricFamily, labels: Labels, rand: () => number, intervalSeconds: number): Series[] {
  const perSecond = 0.05 + rand() * 2; // events per second on this series
  const step = perSecond * intervalSeconds;
  if (f.type === 'counter') return [{ name: f.name, labels, kind: 'lin', a: step }];
  if (f.type === 'gauge') {
    const level = f.unit === 'bytes' ? 5e7 + rand() * 2e8 : f.unit === 'seconds' ? 0.005 + rand() * 0.05 : Math.round(1 + rand() * 20);
    return [{ name: f.name, labels, kind: f.unit === 'none' ? 'const' : 'wave', a: level }];
  }
  const buckets = f.buckets ?? [];
  const median = buckets[Math.floor(rand() * Math.min(6, buckets.length))] ?? 1;
  // Share of observations at or under each boundary: a smooth CDF around this series' median.
  const cdf = buckets.map((le) => le / (le + median));
  const series: Series[] = buckets.map((le, b) => ({
    name: `${f.name}_bucket`, labels: { ...labels, le: String(le) }, kind: 'lin', a: step * cdf[b]!,
  }));
  series.push({ name: `${f.name}_bucket`, labels: { ...labels, le: '+Inf' }, kind: 'lin', a: step });
  series.push({ name: `${f.name}_count`, labels, kind: 'lin', a: step });
  series.push({ name: `${f.name}_sum`, labels, kind: 'linf', a: step * median });
  return series;
}

function valueAt(kind: Kind, a: number, i: number): number {
  switch (kind) {
    case 'lin': return Math.round(a * i); // counters: whole events
    case 'linf': return a * i; // _sum of observations
    case 'wave': return a * (1 + 0.05 * Math.sin(i / 7)); // gauges that wobble
    case 'const': return a;
  }
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Writes the fleet as OpenMetrics text (ending in `# EOF`) to `out`; returns the series count.
 * Every series has a sample every `intervalSeconds` from `start` to `end`.
 */
export async function writeFleetOpenMetrics(out: Writable, shape: FleetShape): Promise<number> {
  const profile = getProfile(shape.profile);
  const tools = Array.from({ length: shape.tools }, (_, i) => toolName(i));
  const instances = Array.from({ length: shape.servers }, (_, s) => `srv-${String(s).padStart(4, '0')}:3100`);
  const steps = Math.floor((shape.end - shape.start) / shape.intervalSeconds) + 1;
  let count = 0;
  let chunk = '';
  // Each selecting matcher must match a written series (of those written: recorded ones come from the rules).
  const written = new Set<string>();
  const unanswered = new Set<string>();
  const answeredBy = new Map<string, string[]>(); // `series{label="value"}` → the matchers it answers
  for (const [name, byLabel] of Object.entries(shape.selected)) {
    for (const [label, matchers] of Object.entries(byLabel)) {
      if (label === 'le') continue;
      for (const values of matchers) {
        const matcher = `${name}{${label}=~"${values.join('|')}"}`;
        unanswered.add(matcher);
        for (const v of values) answeredBy.set(`${name}{${label}="${v}"}`, [...(answeredBy.get(`${name}{${label}="${v}"}`) ?? []), matcher]);
      }
    }
  }
  const emit = async (name: string, labels: Labels, kind: Kind, a: number) => {
    written.add(name);
    if (unanswered.size) for (const [label, v] of Object.entries(labels)) for (const m of answeredBy.get(`${name}{${label}="${v}"}`) ?? []) unanswered.delete(m);
    const head = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}} `;
    for (let i = 0; i < steps; i++) chunk += `${head}${valueAt(kind, a, i)} ${shape.start + i * shape.intervalSeconds}\n`;
    count++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  // Prometheus's own per-target series, which fleet panels count.
  for (const instance of instances) await emit('up', { job: 'mcp', instance }, 'const', 1);
  // ALERTS as Prometheus's rule evaluation writes it: on every fifth server one alert, firing or pending.
  for (let s = 0; s < instances.length && shape.alerts.length > 0; s += 5) {
    await emit('ALERTS', { alertname: shape.alerts[(s / 5) % shape.alerts.length]!, alertstate: s % 10 === 0 ? 'firing' : 'pending',
      job: 'mcp', instance: instances[s]! }, 'const', 1);
  }
  // One family at a time, then each histogram's _bucket, _count and _sum series together: OpenMetrics
  // keeps a family's samples contiguous. Seeded per server and family, so the order does not change values.
  for (const [fi, f] of profile.families.entries()) {
    const byName = new Map<string, Series[]>();
    const sets = labelSets(f, tools, selectedFor(f, shape.selected));
    instances.forEach((instance, s) => {
      const rand = seededRandom((s + 1) * 1009 + fi);
      for (const labels of sets) {
        for (const series of familySeries(f, { job: 'mcp', instance, ...labels }, rand, shape.intervalSeconds)) {
          const list = byName.get(series.name) ?? [];
          list.push(series);
          byName.set(series.name, list);
        }
      }
    });
    for (const list of byName.values()) for (const series of list) await emit(series.name, series.labels, series.kind, series.a);
  }
  const unwritten = [...unanswered].filter((m) => written.has(m.slice(0, m.indexOf('{'))));
  if (unwritten.length) throw new Error(`fleet generator wrote no series for ${unwritten.join(', ')}, which a timed query selects; make labelSets write it`);
  chunk += '# EOF\n';
  if (!out.write(chunk)) await once(out, 'drain');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return count;
}
