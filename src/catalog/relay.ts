// Families of the wrap, proxy and probe commands. They are not in the profiles: a server
// instrumented with the library never exports them, and the commands add them to the profile's.
import type { MetricFamily } from './types.js';

/** What only a relay (wrap or proxy) sees: the process or upstream beyond the messages. */
export const RELAY_FAMILIES: readonly MetricFamily[] = [
  { name: 'mcp_wrapped_server_exits_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'Exits of the server process the wrap command runs, by outcome (ok: code 0; error: non-zero code; signal: killed by a signal; spawn_failed: never started).',
    labelNames: ['outcome'] },
  { name: 'mcp_proxy_upstream_errors_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'Requests the proxy could not complete with the upstream server, by reason (connect: refused or unreachable, answered 502; reset: the upstream broke off mid-answer).',
    labelNames: ['reason'] },
  { name: 'mcp_relay_unobserved_messages_total', type: 'counter', unit: 'none', layer: 'transport',
    help: 'Lines (stdio), bodies or events (HTTP) passed through unchanged but not observed, by direction (in|out): not JSON, or beyond the observation size limit.',
    labelNames: ['direction'] },
];

/** The probe command's answer to /probe (blackbox_exporter style: one target, one module per scrape). */
export const PROBE_FAMILIES: readonly MetricFamily[] = [
  { name: 'probe_success', type: 'gauge', unit: 'none', layer: 'transport',
    help: 'Whether every phase of the probe succeeded (1) or not (0).', labelNames: [] },
  { name: 'probe_duration_seconds', type: 'gauge', unit: 'seconds', layer: 'transport',
    help: 'How long the whole probe took.', labelNames: [] },
  { name: 'probe_mcp_phase_duration_seconds', type: 'gauge', unit: 'seconds', layer: 'transport',
    help: 'Duration of each probe phase that ran (connect, handshake: initialize or server/discover, tools_list, tool_call).',
    labelNames: ['phase'] },
  { name: 'probe_mcp_phase_success', type: 'gauge', unit: 'none', layer: 'transport',
    help: 'Whether each probe phase that ran succeeded (1) or failed (0).', labelNames: ['phase'] },
  { name: 'probe_mcp_protocol_version_info', type: 'gauge', unit: 'none', layer: 'transport',
    help: 'Always 1: the protocol version the server agreed to.', labelNames: ['protocol_version'] },
  { name: 'probe_mcp_tools', type: 'gauge', unit: 'none', layer: 'tool',
    help: 'Tools the server listed in tools/list.', labelNames: [] },
  { name: 'probe_mcp_tools_fingerprint', type: 'gauge', unit: 'none', layer: 'security',
    help: 'The listed tool definitions as one number (first 48 bits of the SHA-256 of the sorted per-tool fingerprints): it changes when any definition changes.',
    labelNames: [] },
];
