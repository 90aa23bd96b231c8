// The signal catalogue: one contract read by instrumentation, rules and dashboards.
import { otelProfile } from './otel.js';
import { promClientProfile } from './prom-client.js';
import { PROBE_FAMILIES } from './relay.js';
import type { MetricFamily, Profile, ProfileName, SignalId, SignalSpelling } from './types.js';

export * from './types.js';
export { LATENCY_BUCKETS, MESSAGE_SIZE_BUCKETS, RESPONSE_SIZE_BUCKETS, SESSION_BUCKETS, TURN_BUCKETS } from './buckets.js';
export { CALLER_ERROR_TYPES, SERVER_ERROR_TYPES } from './prom-client.js';
export { OTEL_CALLER_ERROR_CODES, OTEL_HANDSHAKE_METHODS, OTEL_OPERATION_FAMILY, OTEL_SESSION_FAMILY } from './otel.js';
export { exportedNames, NORMALISED, NORMALISED_PREFIX, OTEL_SCOPE_LABELS, UNKNOWN_TOOL_CODES, UNKNOWN_TOOL_ERROR_TYPE, UNKNOWN_TOOL_NAMES } from './otel-normalised.js';

/** MCP protocol revisions, newest first: the bounded values of the protocol-version labels (others are OVERFLOW_VALUE). */
export const PROTOCOL_VERSIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;

/** Label value that every unregistered client-supplied name (tool, method, client) collapses to. */
export const OVERFLOW_VALUE = '_OTHER';

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'prom-client': promClientProfile,
  otel: otelProfile,
};
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function getProfile(name: ProfileName): Profile {
  return PROFILES[name];
}

/** The spelling of a signal in a profile, or undefined when the profile lacks it (its panels and rules are omitted). */
export function spelling(profile: Profile, id: SignalId): SignalSpelling | undefined {
  return profile.signals[id];
}

/** Whether every listed signal exists in the profile: the gate for a panel or rule. */
export function hasSignals(profile: Profile, ...ids: SignalId[]): boolean {
  return ids.every((id) => profile.signals[id] !== undefined);
}

/** An exported or a normalised family of the profile. */
export function family(profile: Profile, name: string): MetricFamily {
  const found = profile.families.find((f) => f.name === name) ?? profile.normalised?.find((f) => f.name === name);
  if (!found) throw new Error(`metric family ${name} is not in the ${profile.name} profile`);
  return found;
}

/** The series names a family exposes to Prometheus. */
export function seriesNames(f: MetricFamily): string[] {
  return f.type === 'histogram' ? [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name];
}

/** The series name of a signal, for a histogram part when asked (quantiles read _bucket, rates read _count). */
export function signalSeries(s: SignalSpelling, part: 'count' | 'sum' | 'bucket' | undefined = s.part): string {
  return part ? `${s.family}_${part}` : s.family;
}
export { GENERATED_HEADER, jsonArtifact, type Artifact } from './artifact.js';
export * from './layout.js';
export * from './events.js';
export { PROBE_FAMILIES, RELAY_FAMILIES } from './relay.js';

/** Every series name the prober exports: its own job, which a stack or a fleet need not have. */
export const PROBE_SERIES: ReadonlySet<string> = new Set(PROBE_FAMILIES.flatMap(seriesNames));
