// Pure generator checks (Sloth/Pyrra style): expected rules for a given config, conventions,
// PromQL syntax, and the contract with the catalogue.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NORMALISED_PREFIX, PROBE_FAMILIES, PROFILE_NAMES, getProfile, seriesNames } from '../../src/catalog/index.js';
import { validateConfig } from '../../src/cli/config/load.js';
import { generate } from '../../src/cli/build/index.js';
import { parsePromQL } from '../../src/cli/promql/index.js';
import { ruleAreas } from '../../src/cli/rules/index.js';
import { NORMALISE_GROUP } from '../../src/cli/rules/normalise.js';
import { SCRAPE_HEALTH_SERIES } from '../../src/cli/rules/alerts/availability.js';
import { formatDuration, seconds } from '../../src/cli/rules/duration.js';
import { NAMES, RECORDED_QUANTILES, recordedSeries, SLO_WINDOWS } from '../../src/cli/rules/recorded.js';
import { renderRunbook } from '../../src/cli/rules/runbook.js';
import { burnFactor, BURN_WINDOWS } from '../../src/cli/rules/slo.js';
import { drillTiming } from '../../src/cli/rules/timing.js';
import { SEVERITIES, type AlertingRule, type RecordingRule, type Rule } from '../../src/cli/rules/types.js';

const defaults = validateConfig({});
const clustered = validateConfig({ aggregationLabels: ['cluster'] });
const rulesOf = (config = defaults, profile = getProfile('prom-client'), timing?: ReturnType<typeof drillTiming>): Rule[] =>
  ruleAreas(config, profile, timing).flatMap((a) => a.groups.flatMap((g) => g.rules));
const isAlert = (r: Rule): r is AlertingRule => 'alert' in r;
const isRecord = (r: Rule): r is RecordingRule => 'record' in r;

describe('recording rules per profile (table)', () => {
  it.each([
    ['prom-client', NAMES.toolCallRate, 'sum by (cluster, job, tool) (rate(mcp_tool_invocations_total{job=~"mcp.*"}[5m]))'],
    ['otel', NAMES.toolCallRate, 'sum by (cluster, job, gen_ai_tool_name) (rate(otel:mcp_server_operation_duration_seconds_count{job=~"mcp.*", mcp_method_name="tools/call"}[5m]))'],
    ['prom-client', NAMES.toolLatencyBuckets, 'sum by (cluster, job, tool, le) (rate(mcp_tool_duration_seconds_bucket{job=~"mcp.*"}[5m]))'],
    ['prom-client', NAMES.toolLatency(0.95), 'histogram_quantile(0.95, job_tool_le:mcp_tool_duration_seconds_bucket:rate5m{tool!=""})'],
    ['otel', NAMES.toolLatency(0.95), 'histogram_quantile(0.95, job_tool_le:mcp_tool_duration_seconds_bucket:rate5m{gen_ai_tool_name!=""})'],
    ['prom-client', NAMES.messageSizeBuckets, 'sum by (cluster, job, direction, type, le) (rate(mcp_message_size_bytes_bucket{job=~"mcp.*"}[5m]))'],
    ['prom-client', NAMES.toolCallerErrorRatio,
      '(sum by (cluster, job, tool) (rate(mcp_tool_errors_total{job=~"mcp.*", error_type=~"invalid_params|unknown_tool"}[5m])) or 0 * sum by (cluster, job, tool) (rate(mcp_tool_invocations_total{job=~"mcp.*"}[5m])))'
      + ' / (sum by (cluster, job, tool) (rate(mcp_tool_invocations_total{job=~"mcp.*"}[5m])) > 0)'],
    ['prom-client', NAMES.toolValidationErrorRatio,
      '(sum by (cluster, job, tool) (rate(mcp_tool_errors_total{job=~"mcp.*", error_type="invalid_params"}[5m])) or 0 * sum by (cluster, job, tool) (rate(mcp_tool_invocations_total{job=~"mcp.*"}[5m])))'
      + ' / (sum by (cluster, job, tool) (rate(mcp_tool_invocations_total{job=~"mcp.*"}[5m])) > 0)'],
    ['otel', NAMES.toolValidationErrorRatio,
      '(sum by (cluster, job, gen_ai_tool_name) (rate(otel:mcp_server_operation_duration_seconds_count{job=~"mcp.*", mcp_method_name="tools/call", error_type!="", error_type="-32602"}[5m]))'
      + ' or 0 * sum by (cluster, job, gen_ai_tool_name) (rate(otel:mcp_server_operation_duration_seconds_count{job=~"mcp.*", mcp_method_name="tools/call"}[5m])))'
      + ' / (sum by (cluster, job, gen_ai_tool_name) (rate(otel:mcp_server_operation_duration_seconds_count{job=~"mcp.*", mcp_method_name="tools/call"}[5m])) > 0)'],
  ] as const)('%s %s', (profile, record, expr) => {
    const rule = rulesOf(clustered, getProfile(profile)).filter(isRecord).find((r) => r.record === record);
    expect(rule?.expr).toBe(expr);
  });

  it('records the hallucination ratio only where the profile has the signal', () => {
    expect(recordedSeries(getProfile('prom-client')).hallucinationRatio).toBe(NAMES.hallucinationRatio);
    expect(recordedSeries(getProfile('otel')).hallucinationRatio).toBeUndefined();
    expect(rulesOf(defaults, getProfile('otel')).filter(isRecord).map((r) => r.record)).not.toContain(NAMES.hallucinationRatio);
  });

  it('keeps an extra aggregation label through every sum by and every on()', () => {
    for (const profile of PROFILE_NAMES) {
      for (const rule of rulesOf(clustered, getProfile(profile))) {
        for (const m of rule.expr.matchAll(/\b(?:by|on) \(([^)]*)\)/g)) expect(m[1], rule.expr).toMatch(/\bcluster\b/);
      }
    }
  });
});

describe('SLO burn rates', () => {
  it('uses the SRE workbook factors for 30d', () => {
    expect(BURN_WINDOWS.map((w) => burnFactor(w, '30d'))).toEqual([14.4, 6, 3, 1]);
    expect(BURN_WINDOWS.map((w) => `${w.short}/${w.long}`)).toEqual(['5m/1h', '30m/6h', '2h/1d', '6h/3d']);
  });

  it('gives one availability and one latency rule per severity: both page pairs and the low-traffic condition in one, both ticket pairs and the low-traffic condition under the floor in the other, no for:', () => {
    for (const name of ['McpToolErrorBudgetBurn', 'McpToolLatencyBudgetBurn']) {
      const alerts = rulesOf().filter(isAlert).filter((r) => r.alert === name);
      expect(alerts.map((a) => a.labels.severity)).toEqual(['critical', 'warning']);
      expect(alerts.map((a) => a.for)).toEqual([undefined, undefined]);
      const [page, ticket] = alerts.map((a) => a.expr) as [string, string];
      for (const w of BURN_WINDOWS) {
        const pair = `${NAMES.sloErrorRatio(w.short)}{tool!="", slo="mcp-tool-${name === 'McpToolErrorBudgetBurn' ? 'availability' : 'latency'}"} > (${burnFactor(w, '30d')} * `;
        expect(w.severity === 'critical' ? page : ticket).toContain(pair);
        expect(w.severity === 'critical' ? ticket : page).not.toContain(pair);
      }
      for (const expr of [page, ticket]) expect(expr).toContain(`${NAMES.sloErrorRatio('1h')}{tool!="", slo="mcp-tool-${name === 'McpToolErrorBudgetBurn' ? 'availability' : 'latency'}"} >= 1`);
      expect(page).toContain('[5m])) >= 0.05');
      expect(page).not.toContain('< 0.05');
      expect(ticket).toContain('[5m])) < 0.05');
      expect(ticket).toContain('[1h])) < 0.05');
    }
  });

  it('refuses a latency threshold that is not a bucket boundary', () => {
    expect(() => rulesOf(validateConfig({ slo: { period: '30d', availability: 0.995, latency: { objective: 0.99, thresholdSeconds: 0.75 } } })))
      .toThrow(/bucket boundary/);
  });
});

describe('drill variant', () => {
  const drill = drillTiming(1 / 15);
  it.each([['5m', '20s'], ['1h', '4m'], ['3d', '4h48m'], ['1m', '20s']])('scales window %s to %s (floored at 20s)', (nominal, scaled) => {
    expect(drill.window(nominal)).toBe(scaled);
  });
  it('scales every for and keeps recorded names', () => {
    const normal = rulesOf();
    const drilled = rulesOf(defaults, getProfile('prom-client'), drill);
    expect(drilled.map((r) => (isRecord(r) ? r.record : r.alert))).toEqual(normal.map((r) => (isRecord(r) ? r.record : r.alert)));
    normal.forEach((r, i) => {
      const d = drilled[i] as Rule;
      if (isAlert(r) && isAlert(d) && r.for) expect(seconds(d.for as string)).toBe(Math.round(seconds(r.for) / 15));
    });
    expect(drilled.filter(isRecord).find((r) => r.record === NAMES.toolCallRate)?.expr).toContain('[20s]');
  });
  it('formats durations in the largest units', () => {
    expect(formatDuration(5400)).toBe('1h30m');
    expect(seconds('1h30m')).toBe(5400);
  });
});

describe.each(PROFILE_NAMES)('conventions and contract (%s)', (name) => {
  const profile = getProfile(name);
  const rules = rulesOf(defaults, profile);
  const alerts = rules.filter(isAlert);
  const records = rules.filter(isRecord);
  // What the normalisation group writes is the profile's canonical input, not an aggregation: one colon (`otel:`).
  const normalising = new Set(ruleAreas(defaults, profile).flatMap((a) => a.groups).filter((g) => g.name === NORMALISE_GROUP)
    .flatMap((g) => g.rules).filter(isRecord).map((r) => r.record));
  const catalogue = new Set([...profile.families, ...(profile.normalised ?? [])].flatMap(seriesNames));
  const runbook = renderRunbook(defaults);
  const anchors = new Set([...runbook.matchAll(/^## (\S+)$/gm)].map((m) => (m[1] as string).toLowerCase()));

  it('names alerts Mcp + CamelCase with a known severity, static summary, templated description, runbook anchor', () => {
    expect(alerts.length).toBeGreaterThan(10);
    for (const a of alerts) {
      expect(a.alert).toMatch(/^Mcp[A-Z][a-zA-Z]+$/);
      expect(SEVERITIES).toContain(a.labels.severity);
      expect(a.annotations.summary).not.toContain('{{');
      expect(a.annotations.description).toMatch(/\{\{[^}]*\$(labels|value)/);
      const anchor = a.annotations.runbook_url?.split('#')[1];
      expect(a.annotations.runbook_url).toBe(`${defaults.runbookBaseUrl}#${a.alert.toLowerCase()}`);
      expect(anchors.has(anchor as string), `runbook section for ${a.alert}`).toBe(true);
    }
  });

  it('names recording rules level:metric:operation (two colons)', () => {
    for (const r of records.filter((x) => !normalising.has(x.record))) expect(r.record.split(':'), r.record).toHaveLength(3);
    for (const name of normalising) {
      expect(name.startsWith(NORMALISED_PREFIX) && name.split(':').length === 2, name).toBe(true);
      expect(catalogue.has(name), name).toBe(true);
    }
  });

  it('writes only expressions the PromQL grammar accepts', () => {
    for (const r of rules) expect(parsePromQL(r.expr).errors, r.expr).toEqual([]);
  });

  it('reads only catalogue series of the profile or of the prober, our own recorded series, or Prometheus\'s up and ALERTS', () => {
    const known = new Set([...profile.families.flatMap(seriesNames), ...PROBE_FAMILIES.flatMap(seriesNames), ...records.map((r) => r.record), SCRAPE_HEALTH_SERIES]);
    for (const r of rules) {
      for (const metric of parsePromQL(r.expr).metrics) expect(known.has(metric), `${metric} in ${r.expr}`).toBe(true);
    }
  });

  // Both profiles' rules may load into one Prometheus (the local stack): a recording rule reading a
  // recorded name would also see the other profile's series and write over them (the error ratio
  // of one profile then flapped to 0 every other evaluation). The one allowed read, the latency
  // quantiles from the tool-duration bucket rate, selects the profile's own tool label, which the
  // other profile's recording of that name does not carry.
  it('computes the recording group from the profile\'s own catalogue series; a recorded name only through a tool label the other profile lacks', () => {
    const recorded = new Set(records.map((r) => r.record).filter((r) => !catalogue.has(r)));
    const group = ruleAreas(defaults, profile).filter((a) => a.area === 'recording').flatMap((a) => a.groups.flatMap((g) => g.rules));
    expect(group.length).toBeGreaterThan(5);
    const tool = profile.signals.toolCalls!.labels.tool!;
    const otherTools = PROFILE_NAMES.filter((p) => p !== name).map((p) => getProfile(p).signals.toolCalls!.labels.tool!);
    expect(otherTools).not.toContain(tool);
    const readsRecorded = group.filter(isRecord).filter((r) => parsePromQL(r.expr).metrics.some((m) => recorded.has(m)));
    expect(readsRecorded.map((r) => r.record).sort()).toEqual(RECORDED_QUANTILES.map((q) => NAMES.toolLatency(q)).sort());
    for (const r of readsRecorded) {
      for (const metric of parsePromQL(r.expr).metrics.filter((m) => recorded.has(m))) {
        expect(r.expr, r.record).toContain(`${metric}{${tool}!=""}`);
      }
    }
  });

  // A sum over recorded 5m rates smooths every window by about 2.5 minutes and made the alerts late
  // (issue #20); each window is a rate() of the raw (or normalised catalogue) counters, as Sloth computes it.
  it('computes every SLI window from the raw series, never from a recorded series', () => {
    const recorded = new Set(records.map((r) => r.record).filter((r) => !catalogue.has(r)));
    const sli = ruleAreas(defaults, profile).flatMap((a) => a.groups).filter((g) => g.name === 'mcp-slo-sli').flatMap((g) => g.rules).filter(isRecord);
    expect(sli).toHaveLength(2 * SLO_WINDOWS.length);
    for (const r of sli) {
      const metrics = parsePromQL(r.expr).metrics;
      expect(metrics.length, r.expr).toBeGreaterThan(0);
      for (const m of metrics) expect(recorded.has(m), `${m} in ${r.expr}`).toBe(false);
      expect(r.expr).not.toContain('_over_time(');
    }
  });

  // vmalert makes a record visible to queries only after its group ran, so a rule reading its own
  // group's record sees the previous evaluation (issue #20). A rule may read records of earlier
  // groups in the order the tests (and vmalert-tool) evaluate them: the areas it declares it reads, then its own.
  it('reads no record of its own group or of a later group', () => {
    const areas = ruleAreas(defaults, profile);
    for (const area of areas) {
      const order = [...area.reads.map((r) => areas.find((a) => a.area === r)), area].flatMap((a) => a?.groups ?? []);
      const writtenBefore = new Set<string>();
      for (const group of order) {
        for (const r of group.rules) {
          for (const m of parsePromQL(r.expr).metrics.filter((x) => !catalogue.has(x) && records.some((rec) => rec.record === x))) {
            expect(writtenBefore.has(m), `${group.name}: ${'record' in r ? r.record : r.alert} reads ${m}`).toBe(true);
          }
        }
        for (const r of group.rules.filter(isRecord)) writtenBefore.add(r.record);
      }
    }
  });

  it('has, for every alert, a promtool test where it fires and one where it stays silent', () => {
    const checks = ruleAreas(defaults, profile).flatMap((a) => a.tests.flatMap((t) => t.alerts));
    for (const a of new Set(alerts.map((x) => x.alert))) {
      expect(checks.some((c) => c.alert === a && c.expect.length > 0), `${a} fires`).toBe(true);
      expect(checks.some((c) => c.alert === a && c.expect.length === 0), `${a} silent`).toBe(true);
    }
  });
});

describe('committed output', () => {
  it('alerts/ (with the runbook) on disk is what generate() produces (run npm run build)', () => {
    for (const a of generate(defaults).filter((x) => x.path.startsWith('alerts/'))) {
      expect(readFileSync(a.path, 'utf8'), a.path).toBe(a.content);
    }
  });

  it('writes Mimir files with the namespace and the same groups', () => {
    const plain = generate(defaults).find((a) => a.path === 'alerts/prom-client/tools.rules.yaml')?.content ?? '';
    const mimir = generate(defaults).find((a) => a.path === 'alerts/prom-client/mimir/tools.yaml')?.content ?? '';
    expect(mimir).toContain(`namespace: ${defaults.mimirNamespace}\n`);
    expect(mimir.slice(mimir.indexOf('groups:'))).toBe(plain.slice(plain.indexOf('groups:')));
  });
});
