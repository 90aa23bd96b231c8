import { describe, expect, it } from 'vitest';
import { PROFILES, SIGNAL_IDS, seriesNames, type Profile } from '../../src/catalog/index.js';

const profiles = Object.values(PROFILES);

describe.each(profiles)('catalogue profile $name', (profile: Profile) => {
  it('spells every signal with a family it defines (exported, or normalised when the profile normalises) and labels that family carries', () => {
    const readable = profile.normalised ?? profile.families;
    for (const [id, s] of Object.entries(profile.signals)) {
      const fam = readable.find((f) => f.name === s!.family);
      expect(fam, `${profile.name}.${id} → ${s!.family}`).toBeDefined();
      const carried = new Set([...fam!.labelNames, 'le']);
      const used = [
        ...Object.values(s!.labels),
        ...[s!.matchers, s!.failed, s!.callerFailed, s!.serverFailed].flatMap((ms) => (ms ?? []).map((m) => m.label)),
      ];
      for (const label of used) expect(carried.has(label!), `${profile.name}.${id} uses ${label}`).toBe(true);
      if (s!.part) expect(fam!.type).toBe('histogram');
    }
  });

  it('has unique family names that follow Prometheus conventions', () => {
    const names = profile.families.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of profile.families) {
      expect(f.name).toMatch(/^[a-z_][a-z0-9_]*$/);
      if (f.type === 'counter') expect(f.name).toMatch(/_total$/);
      if (f.type === 'histogram') expect(f.buckets?.length).toBeGreaterThan(0);
      expect(f.help.length).toBeGreaterThan(10);
    }
  });

  it('only names known signals', () => {
    for (const id of Object.keys(profile.signals)) expect(SIGNAL_IDS).toContain(id);
  });
});

describe('profiles', () => {
  it('prom-client spells every signal; otel omits what the conventions lack', () => {
    expect(Object.keys(PROFILES['prom-client'].signals).sort()).toEqual([...SIGNAL_IDS].sort());
    expect(PROFILES.otel.signals.activeSessions).toBeUndefined();
    expect(PROFILES.otel.signals.toolDuration?.family).toBe('otel:mcp_server_operation_duration_seconds');
  });

  it('keeps the seed table names in the prom-client profile', () => {
    const names = PROFILES['prom-client'].families.flatMap(seriesNames);
    for (const n of ['mcp_tool_invocations_total', 'mcp_tool_duration_seconds_bucket', 'mcp_active_connections',
      'mcp_tool_errors_total', 'mcp_message_size_bytes_bucket']) expect(names).toContain(n);
  });
});
