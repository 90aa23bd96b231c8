// A probe's result in the Prometheus text format, with the catalogue's probe families.
import { Gauge, Registry } from 'prom-client';
import { PROBE_FAMILIES } from '@mcp-observability/catalog';
import type { ProbeResult } from './run-probe.js';

export async function probeExposition(result: ProbeResult): Promise<string> {
  const registry = new Registry();
  // Registered on first use: an unlabelled gauge never set would read 0 (no tools) instead of absent (not learned).
  const gauge = (name: string) => {
    const existing = registry.getSingleMetric(name) as Gauge | undefined;
    if (existing) return existing;
    const f = PROBE_FAMILIES.find((family) => family.name === name)!;
    return new Gauge({ name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] });
  };
  gauge('probe_success').set(result.success ? 1 : 0);
  gauge('probe_duration_seconds').set(result.seconds);
  for (const p of result.phases) {
    gauge('probe_mcp_phase_duration_seconds').set({ phase: p.phase }, p.seconds);
    gauge('probe_mcp_phase_success').set({ phase: p.phase }, p.ok ? 1 : 0);
  }
  if (result.protocolVersion) gauge('probe_mcp_protocol_version_info').set({ protocol_version: result.protocolVersion }, 1);
  if (result.tools !== undefined) gauge('probe_mcp_tools').set(result.tools);
  if (result.toolsFingerprint !== undefined) gauge('probe_mcp_tools_fingerprint').set(result.toolsFingerprint);
  return registry.metrics();
}
