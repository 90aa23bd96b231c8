// Real Prometheus semantics for the dashboard queries whose shape is unusual (top-k by a computed
// k, "or ... * 0" fallbacks, SLIs from histogram buckets) and for every query that reads recorded
// series: promtool evaluates the generated expressions, on input run through the generated rules.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { getProfile, PROFILE_NAMES, type ProfileName } from '../../src/catalog/index.js';
import { parsePromQL, substituteGrafanaVariables } from '../../src/cli/promql/index.js';
import { ruleArtifacts } from '../../src/cli/rules/index.js';
import { config, generated, recordedNames, targetsOf } from './fixtures.js';

const dashboards = generated();

/** The expression of a panel's query, as Grafana sends it with "All" selected and a 5m rate interval. */
function query(path: string, panel: string, refId = 0): string {
  const d = dashboards.find((g) => g.path === path)!.dashboard;
  const exprs = targetsOf(d).filter((t) => t.panel === panel);
  expect(exprs.length, `${path}: ${panel}`).toBeGreaterThan(refId);
  return substituteGrafanaVariables(exprs[refId]!.expr);
}

interface Sample { labels: string; value: number }

/** promtool compares floats exactly: both sides are compared at four decimals (0.95 vs 0.9500000000000001). */
const SCALE = 10_000;

/** Rule files whose series the dashboards read: the profile's normalisation (otel), recording and SLO rules, in that order. */
const RECORDING_AREAS = ['normalise', 'recording', 'slo'];

/**
 * Evaluates expressions at 10m on 1m input series with promtool (to four decimals); with a profile, the input first runs
 * through that profile's generated normalisation, recording and SLO rules (evaluated every 1m), as a real Prometheus would.
 */
async function evaluate(series: Record<string, string>, tests: { expr: string; samples: Sample[] }[], profile?: ProfileName): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dash-promtool-'));
  const artifacts = profile ? ruleArtifacts(config, getProfile(profile)) : [];
  const files = RECORDING_AREAS.map((area) => artifacts.find((a) => a.path === `alerts/${profile}/${area}.rules.yaml`))
    .filter((a): a is NonNullable<typeof a> => a !== undefined);
  const ruleFiles = files.map((a) => {
    const name = a.path.split('/').pop()!;
    writeFileSync(join(dir, name), a.content);
    return name;
  });
  const groups = files.flatMap((a) => (yaml.load(a.content) as { groups: { name: string }[] }).groups.map((g) => g.name));
  expect(ruleFiles.length, 'rule files').toBe(profile ? RECORDING_AREAS.length - (getProfile(profile).normalised ? 0 : 1) : 0);
  const file = join(dir, 'test.yaml');
  writeFileSync(file, yaml.dump({
    rule_files: ruleFiles,
    evaluation_interval: '1m',
    ...(groups.length ? { group_eval_order: groups } : {}),
    tests: [{
      interval: '1m',
      input_series: Object.entries(series).map(([s, values]) => ({ series: s, values })),
      promql_expr_test: tests.map((t) => ({
        expr: `round((${t.expr}) * ${SCALE})`,
        eval_time: '10m',
        exp_samples: t.samples.map((x) => ({ labels: x.labels, value: Math.round(x.value * SCALE) })),
      })),
    }],
  }, { lineWidth: -1 }));
  const result = await execa('promtool', ['test', 'rules', file], { reject: false });
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
}

const prom = (tool: string, extra = ''): string => `{job="mcp", instance="a", tool="${tool}"${extra}}`;

describe('dashboard queries evaluated by promtool', () => {
  it('the exemplar latency panel\'s exemplar target draws nothing, even with data at the epoch it reads', async () => {
    // promtool's input starts at time 0, where `@ 0` finds samples: `< 0` must still drop them
    await evaluate(histogram('mcp_tool_duration_seconds', 'job="mcp", instance="a", tool="search"', [15, 27, 30]),
      [{ expr: query('dashboards/prom-client/performance.json', 'Slow tool calls: P99 with trace exemplars', 1), samples: [] }]);
  }, 30_000);

  it('the exemplar target reads the series servers export, in both profiles (recorded series carry no exemplars)', () => {
    // Names as the exporters write them: prom-client; the OTel JS exporter (no unit suffix); the Go exporter and the Collector.
    const exported: Record<ProfileName, string[]> = {
      'prom-client': ['mcp_tool_duration_seconds_bucket'],
      otel: ['mcp_server_operation_duration_bucket', 'mcp_server_operation_duration_seconds_bucket'],
    };
    for (const profile of PROFILE_NAMES) {
      const expr = query(`dashboards/${profile}/performance.json`, 'Slow tool calls: P99 with trace exemplars', 1);
      const name = /__name__=~"([^"]+)"/.exec(expr)?.[1] ?? /^([a-zA-Z_:][\w:]*)\{/.exec(expr)?.[1];
      for (const series of exported[profile]) expect(new RegExp(`^(?:${name})$`).test(series), `${profile}: ${expr}`).toBe(true);
    }
  });

  it('the 80/20 stat gives the busiest fifth of tools\' share of calls', async () => {
    const calls = (tool: string) => `mcp_tool_invocations_total${prom(tool, ', status="ok"')}`;
    await evaluate(
      { [calls('a')]: '0+80x20', [calls('b')]: '0+5x20', [calls('c')]: '0+5x20', [calls('d')]: '0+5x20', [calls('e')]: '0+5x20' },
      [
        { expr: query('dashboards/prom-client/quality.json', 'Share of calls served by the busiest 20% of tools'), samples: [{ labels: '{}', value: 0.8 }] },
        { expr: query('dashboards/prom-client/quality.json', 'Tools called'), samples: [{ labels: '{}', value: 5 }] },
      ], 'prom-client');
  }, 30_000);

  it('time spent in GC is the share of the instance losing the most, one line per kind (not summed over instances)', async () => {
    const gc = (instance: string, kind: string) => `nodejs_gc_duration_seconds_sum{job="mcp", instance="${instance}", kind="${kind}"}`;
    // seconds of GC per minute: major 6 on a and 3 on b, minor 1.2 on a
    await evaluate({ [gc('a', 'major')]: '0+6x20', [gc('b', 'major')]: '0+3x20', [gc('a', 'minor')]: '0+1.2x20' }, [
      { expr: query('dashboards/prom-client/resources.json', 'Time spent in GC by kind'),
        samples: [{ labels: '{kind="major"}', value: 0.1 }, { labels: '{kind="minor"}', value: 0.02 }] },
    ]);
  }, 30_000);

  it('heap used / heap limit is the share of the instance nearest its limit, one line', async () => {
    const heap = (job: string, instance: string, what: 'used' | 'limit') => `nodejs_heap_size_${what}_bytes{job="${job}", instance="${instance}"}`;
    // job mcp: a at 800 of 1,000 MB, b at 300 of 500 MB; job mcp-edge: c at 100 of 1,000 MB
    await evaluate({
      [heap('mcp', 'a', 'used')]: '800+0x20', [heap('mcp', 'a', 'limit')]: '1000+0x20',
      [heap('mcp', 'b', 'used')]: '300+0x20', [heap('mcp', 'b', 'limit')]: '500+0x20',
      [heap('mcp-edge', 'c', 'used')]: '100+0x20', [heap('mcp-edge', 'c', 'limit')]: '1000+0x20',
    }, [{ expr: query('dashboards/prom-client/resources.json', 'Heap used / heap limit'),
      samples: [{ labels: '{}', value: 0.8 }] }]);
  }, 30_000);

  it('the 80/20 stat gives no sample, not a query error, before any tool was called', async () => {
    // Grafana asks for the range from before the first call; topk with k = scalar(nothing) = NaN
    // used to fail the whole query ("Scalar value NaN overflows int64").
    await evaluate(
      { 'up{job="mcp", instance="a"}': '1+0x20' },
      [{ expr: query('dashboards/prom-client/quality.json', 'Share of calls served by the busiest 20% of tools'), samples: [] }], 'prom-client');
  }, 30_000);

  it('tools with calls but no error series read 0 server-caused errors, not nothing', async () => {
    await evaluate(
      {
        [`mcp_tool_invocations_total${prom('a', ', status="ok"')}`]: '0+3x20',
        [`mcp_tool_invocations_total${prom('a', ', status="error"')}`]: '0+1x20',
        [`mcp_tool_errors_total${prom('a', ', error_type="tool_error"')}`]: '0+1x20',
        [`mcp_tool_invocations_total${prom('b', ', status="ok"')}`]: '0+10x20',
      },
      [{
        expr: query('dashboards/prom-client/performance.json', 'Server-caused tool error ratio by tool'),
        samples: [{ labels: '{tool="a"}', value: 0.25 }, { labels: '{tool="b"}', value: 0 }],
      }], 'prom-client');
  }, 30_000);

  it('the otel SLO table splits caller from server errors and reads the latency SLI at the objective bucket', async () => {
    const op = (tool: string, extra: string) =>
      `mcp_server_operation_duration_seconds_count{job="mcp", instance="a", mcp_method_name="tools/call", gen_ai_tool_name="${tool}"${extra}}`;
    const bucket = (le: string, values: string) => [
      `mcp_server_operation_duration_seconds_bucket{job="mcp", instance="a", mcp_method_name="tools/call", gen_ai_tool_name="t", le="${le}"}`, values] as const;
    const path = 'dashboards/otel/overview.json';
    await evaluate(
      {
        [op('t', '')]: '0+18x20', // successes
        [op('t', ', error_type="tool_error"')]: '0+1x20', // server's fault: counts against availability
        [op('t', ', error_type="-32602"')]: '0+1x20', // caller's fault: does not
        ...Object.fromEntries([bucket('0.5', '0+15x20'), bucket('1', '0+19x20'), bucket('+Inf', '0+20x20')]),
      },
      [
        { expr: query(path, 'SLO status per tool', 0), samples: [{ labels: '{gen_ai_tool_name="t", job="mcp"}', value: 0.95 }] },
        { expr: query(path, 'SLO status per tool', 1), samples: [{ labels: '{gen_ai_tool_name="t", job="mcp"}', value: 0.95 }] },
      ], 'otel');
  }, 30_000);
});

/**
 * One fleet, spelled per profile: tool search on instances a and b (per instance and minute: 27 ok,
 * 2 server errors, 1 invalid-params error; latency 15 ≤ 0.5s, 12 more ≤ 1s, 3 more ≤ 2s), tool list
 * on instance a only (60 ok per minute, all ≤ 0.5s, no error series at all).
 */
type Calls = { ok: number; server: number; invalid: number; le: [number, number, number] };
const SEARCH: Calls = { ok: 27, server: 2, invalid: 1, le: [15, 27, 30] };
const LIST: Calls = { ok: 60, server: 0, invalid: 0, le: [60, 60, 60] };
const FLEET: [string, string, Calls][] = [['search', 'a', SEARCH], ['search', 'b', SEARCH], ['list', 'a', LIST]];
const perMinute = (n: number): string => `0+${n}x20`;
/** Buckets le 0.5, 1, 2, +Inf and the count of one histogram series, from cumulative per-minute counts. */
function histogram(name: string, labels: string, le: [number, number, number], values = perMinute): Record<string, string> {
  const total = le[2];
  return {
    ...Object.fromEntries((['0.5', '1', '2', '+Inf'] as const).map((b, i) => [`${name}_bucket{${labels}, le="${b}"}`, values(le[i] ?? total)])),
    [`${name}_count{${labels}}`]: values(total),
  };
}

/** Cumulative per-minute counts of the other histograms (le 0.5, 1, 2): P50 0.5, P95 1.5, P99 1.9. */
const SPREAD: [number, number, number] = [15, 27, 30];

/**
 * Handshakes over HTTP per minute: job mcp 57 succeeded and 3 failed on a, 30 succeeded on b; job
 * mcp-edge 10 and 10 on c. Fleet success ratio (57 + 30 + 10) / 110, not the mean of the per-job ratios.
 */
const HANDSHAKES: [job: string, instance: string, outcome: 'ok' | 'failed', perMinute: number][] = [
  ['mcp', 'a', 'ok', 57], ['mcp', 'a', 'failed', 3], ['mcp', 'b', 'ok', 30], ['mcp-edge', 'c', 'ok', 10], ['mcp-edge', 'c', 'failed', 10]];

const FLEET_INPUT: Record<ProfileName, () => Record<string, string>> = {
  'prom-client': () => Object.assign({
    // instance a only: messages, GC pauses, agent tasks, hallucinated calls (3 a minute)
    ...histogram('mcp_message_size_bytes', 'job="mcp", instance="a", direction="in", type="request"', SPREAD),
    ...histogram('nodejs_gc_duration_seconds', 'job="mcp", instance="a", kind="major"', SPREAD),
    ...histogram('mcp_agent_task_turns', 'job="mcp", instance="a", outcome="success"', SPREAD),
    'mcp_tool_hallucinations_total{job="mcp", instance="a", tool="search", kind="unknown_tool"}': perMinute(3),
    // JSON-RPC requests and errors, instance a: 60 tools/call and 6 -32602 errors a minute
    // requests by the protocol version they were served under: 60 a minute on a, 30 on b
    'mcp_protocol_version_requests_total{job="mcp", instance="a", protocol_version="2025-11-25"}': perMinute(60),
    'mcp_protocol_version_requests_total{job="mcp", instance="b", protocol_version="2025-11-25"}': perMinute(30),
    'mcp_requests_total{job="mcp", instance="a", method="tools/call", transport="http", outcome="ok"}': perMinute(60),
    'mcp_jsonrpc_errors_total{job="mcp", instance="a", method="tools/call", code="-32602"}': perMinute(6),
    // unknown tool names and methods per minute: client scanner on instances a (12 and 6) and b (30 and 4), honest on a (3)
    'mcp_unknown_requests_total{job="mcp", instance="a", client_name="scanner", kind="tool"}': perMinute(12),
    'mcp_unknown_requests_total{job="mcp", instance="a", client_name="scanner", kind="method"}': perMinute(6),
    'mcp_unknown_requests_total{job="mcp", instance="b", client_name="scanner", kind="tool"}': perMinute(30),
    'mcp_unknown_requests_total{job="mcp", instance="b", client_name="scanner", kind="method"}': perMinute(4),
    'mcp_unknown_requests_total{job="mcp", instance="a", client_name="honest", kind="tool"}': perMinute(3),
    // sessions closed, on a and on b alike: P50 0.5 s, P95 1.5 s
    ...histogram('mcp_session_duration_seconds', 'job="mcp", instance="a", transport="http"', SPREAD),
    ...histogram('mcp_session_duration_seconds', 'job="mcp", instance="b", transport="http"', SPREAD),
    // search's definition: one fingerprint on a and b; list's on a
    'mcp_tool_definition_info{job="mcp", instance="a", tool="search", fingerprint="5ea2c4"}': '1+0x20',
    'mcp_tool_definition_info{job="mcp", instance="b", tool="search", fingerprint="5ea2c4"}': '1+0x20',
    'mcp_tool_definition_info{job="mcp", instance="a", tool="list", fingerprint="9b1d07"}': '1+0x20',
    // tools/call refused by a rate limit per minute: scanner on a (12, client bucket) and b (6, tool bucket), honest on a (3, client bucket)
    'mcp_throttled_requests_total{job="mcp", instance="a", client_name="scanner", tool="search", limit="client"}': perMinute(12),
    'mcp_throttled_requests_total{job="mcp", instance="b", client_name="scanner", tool="search", limit="tool"}': perMinute(6),
    'mcp_throttled_requests_total{job="mcp", instance="a", client_name="honest", tool="search", limit="client"}': perMinute(3),
    // requests in flight now: 3 tools/call of search on a, 2 on b, 1 resources/read on a
    'mcp_requests_in_flight{job="mcp", instance="a", method="tools/call", tool="search"}': '3+0x20',
    'mcp_requests_in_flight{job="mcp", instance="b", method="tools/call", tool="search"}': '2+0x20',
    'mcp_requests_in_flight{job="mcp", instance="a", method="resources/read"}': '1+0x20',
    // 3 of search's 6 failed calls a minute (3 per instance) corrected
    'mcp_tool_self_corrections_total{job="mcp", instance="a", tool="search"}': perMinute(3),
    ...Object.fromEntries(HANDSHAKES.map(([job, instance, outcome, n]) => [
      `mcp_handshakes_total{job="${job}", instance="${instance}", transport="http", outcome="${outcome === 'ok' ? 'success' : 'failure'}"}`, perMinute(n)])),
    // docs://index read per minute: on a 50 ok, 10 failed, 5 not found (a caller's fault); on b 60 ok (no error series)
    'mcp_resource_reads_total{job="mcp", instance="a", resource="docs://index", status="ok"}': perMinute(50),
    'mcp_resource_reads_total{job="mcp", instance="a", resource="docs://index", status="error"}': perMinute(10),
    'mcp_resource_reads_total{job="mcp", instance="a", resource="docs://index", status="not_found"}': perMinute(5),
    'mcp_resource_reads_total{job="mcp", instance="b", resource="docs://index", status="ok"}': perMinute(60),
    ...histogram('mcp_resource_response_size_bytes', 'job="mcp", instance="a", resource="docs://index"', SPREAD),
    // search's definition modified 3 times a minute on a and on b
    'mcp_tool_definition_changes_total{job="mcp", instance="a", tool="search", change="modified"}': perMinute(3),
    'mcp_tool_definition_changes_total{job="mcp", instance="b", tool="search", change="modified"}': perMinute(3),
  }, ...FLEET.map(([tool, instance, c]) => {
    const l = `job="mcp", instance="${instance}", tool="${tool}"`;
    // search only, per instance: 600 input tokens, $6, 3 truncated responses a minute
    const search = tool === 'search' ? {
      [`mcp_tool_tokens_total{${l}, token_type="input"}`]: perMinute(600),
      [`mcp_tool_cost_usd_total{${l}}`]: perMinute(6),
      [`mcp_tool_responses_truncated_total{${l}}`]: perMinute(3),
      ...histogram('mcp_tool_response_size_bytes', l, SPREAD),
    } : {};
    return {
      ...search,
      [`mcp_tool_invocations_total{${l}, status="ok"}`]: perMinute(c.ok),
      ...(c.server + c.invalid ? { [`mcp_tool_invocations_total{${l}, status="error"}`]: perMinute(c.server + c.invalid) } : {}),
      ...(c.server ? { [`mcp_tool_errors_total{${l}, error_type="tool_error"}`]: perMinute(c.server) } : {}),
      ...(c.invalid ? { [`mcp_tool_errors_total{${l}, error_type="invalid_params"}`]: perMinute(c.invalid) } : {}),
      ...histogram('mcp_tool_duration_seconds', l, c.le),
    };
  })),
  // one histogram per error_type: successes are fast or middling, errors the slow ones
  otel: () => Object.assign({
    ...histogram('v8js_gc_duration_seconds', 'job="mcp", instance="a", v8js_gc_type="major"', SPREAD),
    ...histogram('mcp_server_session_duration_seconds', 'job="mcp", instance="a", network_transport="tcp"', SPREAD),
    ...histogram('mcp_server_session_duration_seconds', 'job="mcp", instance="b", network_transport="tcp"', SPREAD),
    // 6 unknown-method (-32601) responses a minute on instance a
    'mcp_server_operation_duration_seconds_count{job="mcp", instance="a", mcp_method_name="_OTHER", error_type="-32601", rpc_response_status_code="-32601"}': perMinute(6),
    ...Object.fromEntries(HANDSHAKES.map(([job, instance, outcome, n]) => [
      `mcp_server_operation_duration_seconds_count{job="${job}", instance="${instance}", mcp_method_name="initialize", network_transport="tcp"${
        outcome === 'ok' ? '' : ', error_type="-32602", rpc_response_status_code="-32602"'}}`, perMinute(n)])),
  }, ...FLEET.map(([tool, instance, c]) => {
    const l = `job="mcp", instance="${instance}", mcp_method_name="tools/call", gen_ai_tool_name="${tool}"`;
    const h = (extra: string, le: [number, number, number]) => histogram('mcp_server_operation_duration_seconds', `${l}${extra}`, le);
    return {
      ...h('', [c.le[0], Math.min(c.le[1], c.ok), c.ok]),
      ...(c.server ? h(', error_type="tool_error"', [0, 0, c.server]) : {}),
      ...(c.invalid ? h(', error_type="-32602"', [0, 0, c.invalid]) : {}),
    };
  })),
};

/** Expected values of every query that reads recorded series, for FLEET (the same meaning in both profiles). */
function recordedCases(profile: ProfileName): { path: string; panel: string; ref?: number; samples: Sample[] }[] {
  const tool = profile === 'otel' ? 'gen_ai_tool_name' : 'tool';
  const per = (byJob: boolean, values: Record<string, number>): Sample[] => Object.entries(values)
    .map(([t, value]) => ({ labels: byJob ? `{${tool}="${t}", job="mcp"}` : `{${tool}="${t}"}`, value }));
  const fleet = (value: number): Sample[] => [{ labels: '{}', value }];
  const overview = `dashboards/${profile}/overview.json`;
  const performance = `dashboards/${profile}/performance.json`;
  const quality = `dashboards/${profile}/quality.json`;
  const slo = 'SLO status per tool';
  return [
    { path: overview, panel: 'Tool call rate', samples: fleet(2) },
    { path: overview, panel: 'Server-caused error ratio', samples: fleet(4 / 120) },
    { path: overview, panel: 'Slowest tool latency P95', samples: fleet(1.5) }, // 57th of 60: 1 + (57 - 54) / 6
    { path: overview, panel: slo, ref: 0, samples: per(true, { search: 1 - 4 / 60, list: 1 }) },
    { path: overview, panel: slo, ref: 1, samples: per(true, { search: 54 / 60, list: 1 }) },
    { path: overview, panel: slo, ref: 2, samples: per(true, { search: 1 - 4 / 60 / 0.005, list: 1 }) },
    { path: overview, panel: slo, ref: 3, samples: per(true, { search: 1 - 6 / 60 / 0.01, list: 1 }) },
    { path: performance, panel: 'Tool call rate by tool', samples: per(false, { search: 1, list: 1 }) },
    { path: performance, panel: 'Tool latency P50 by tool', samples: per(true, { search: 0.5, list: 0.25 }) },
    { path: performance, panel: 'Tool latency P95 by tool', samples: per(true, { search: 1.5, list: 0.475 }) },
    { path: performance, panel: 'Tool latency P99 by tool', samples: per(true, { search: 1.9, list: 0.495 }) },
    { path: performance, panel: 'Slow tool calls: P99 with trace exemplars', samples: per(true, { search: 1.9, list: 0.495 }) },
    { path: performance, panel: 'Server-caused tool error ratio by tool', samples: per(false, { search: 4 / 60, list: 0 }) },
    { path: performance, panel: 'Caller-caused tool error ratio by tool', samples: per(false, { search: 2 / 60, list: 0 }) },
    { path: quality, panel: 'Validation error ratio by tool', samples: per(false, { search: 2 / 60, list: 0 }) },
    // 60 calls a minute each: search on two instances, list on one
    { path: quality, panel: 'Share of calls served by the busiest 20% of tools', samples: fleet(0.5) },
    { path: quality, panel: 'Tools called', samples: fleet(2) },
    { path: quality, panel: 'Share of calls by tool', samples: per(false, { search: 0.5, list: 0.5 }) },
    { path: performance, panel: 'Handshake success ratio by transport',
      samples: [{ labels: `{${profile === 'otel' ? 'network_transport="tcp"' : 'transport="http"'}}`, value: 97 / 110 }] },
    ...[0.5, 1.5].map((value, ref) => ({ path: quality, panel: 'Session duration P50 / P95', ref,
      samples: [{ labels: `{${profile === 'otel' ? 'network_transport="tcp"' : 'transport="http"'}}`, value }] })),
    { path: `dashboards/${profile}/resources.json`, panel: 'GC pause P99 by kind',
      samples: [{ labels: `{job="mcp", ${profile === 'otel' ? 'v8js_gc_type' : 'kind'}="major"}`, value: 1.9 }] },
    ...(profile === 'prom-client' ? [
      { path: performance, panel: 'JSON-RPC requests by method', samples: [{ labels: '{method="tools/call"}', value: 1 }] },
      { path: performance, panel: 'Requests by protocol version', samples: [{ labels: '{protocol_version="2025-11-25"}', value: 1.5 }] },
      { path: performance, panel: 'JSON-RPC errors by code', samples: [{ labels: '{code="-32602"}', value: 0.1 }] },
      ...promClientOnlyCases(),
    ] : [
      // every tools/call of the fleet (120 a minute), the unknown-method responses and the handshakes (110 a minute, 13 failed)
      { path: performance, panel: 'JSON-RPC requests by method', samples: [{ labels: '{mcp_method_name="_OTHER"}', value: 0.1 },
        { labels: '{mcp_method_name="initialize"}', value: 110 / 60 }, { labels: '{mcp_method_name="tools/call"}', value: 2 }] },
      { path: performance, panel: 'JSON-RPC errors by code',
        samples: [{ labels: '{rpc_response_status_code="-32601"}', value: 0.1 }, { labels: '{rpc_response_status_code="-32602"}', value: 13 / 60 }] },
      // every operation above, none labelled with a protocol version in this input
      { path: performance, panel: 'Requests by protocol version', samples: [{ labels: '{}', value: 236 / 60 }] },
    ]),
  ];
}

/** Panels of signals only the prom-client profile has, on FLEET_INPUT's extra series. */
function promClientOnlyCases(): { path: string; panel: string; ref?: number; samples: Sample[] }[] {
  const [performance, quality, security] = ['performance', 'quality', 'security'].map((d) => `dashboards/prom-client/${d}.json`) as [string, string, string];
  const search = (value: number, extra = ''): Sample[] => [{ labels: `{tool="search"${extra}}`, value }];
  return [
    { path: performance, panel: 'Message size P95 by direction and type', samples: [{ labels: '{direction="in", type="request"}', value: 1.5 }] },
    { path: performance, panel: 'Messages per second by direction and type', samples: [{ labels: '{direction="in", type="request"}', value: 0.5 }] },
    { path: quality, panel: 'Turns per task P50 / P95', ref: 0, samples: [{ labels: '{}', value: 0.5 }] },
    { path: quality, panel: 'Turns per task P50 / P95', ref: 1, samples: [{ labels: '{}', value: 1.5 }] },
    // 3 hallucinated a minute against 120 calls a minute
    { path: quality, panel: 'Hallucinated call ratio', samples: [{ labels: '{}', value: 3 / 120 }] },
    { path: quality, panel: 'Hallucinated calls by kind', samples: [{ labels: '{kind="unknown_tool"}', value: 3 / 60 }] },
    { path: quality, panel: 'Tokens per second by tool and type', samples: search(2 * 600 / 60, ', token_type="input"') },
    { path: quality, panel: 'Tokens per call by tool', samples: search(1200 / 60) },
    // $12 a minute over the 5 minutes `$__range` stands for here
    { path: quality, panel: 'Cost by tool over the time range', samples: search(60) },
    { path: quality, panel: 'Cost per call by tool', samples: search(12 / 60) },
    { path: security, panel: 'Tool response size P95 by tool', samples: search(1.5) },
    { path: security, panel: 'Truncated responses by tool', samples: search(6 / 60) },
    // the instance where the client sends most (the alert's unit), not the sum over instances (42)
    { path: security, panel: 'Unknown tool names per client', samples: [
      { labels: '{client_name="honest"}', value: 3 / 60 },
      { labels: '{client_name="scanner"}', value: 30 / 60 }] },
    // all instances: 6 on a and 4 on b
    { path: security, panel: 'Unknown methods per client', samples: [{ labels: '{client_name="scanner"}', value: 10 / 60 }] },
    { path: security, panel: 'Tool definition fingerprints', samples: [
      { labels: '{fingerprint="5ea2c4", tool="search"}', value: 2 }, { labels: '{fingerprint="9b1d07", tool="list"}', value: 1 }] },
    { path: performance, panel: 'In-flight requests by method', samples: [
      { labels: '{method="resources/read"}', value: 1 }, { labels: '{method="tools/call"}', value: 5 }] },
    { path: performance, panel: 'In-flight tool calls by tool', samples: [{ labels: '{tool="search"}', value: 5 }] },
    { path: quality, panel: 'Self-correction ratio', samples: [{ labels: '{}', value: 0.5 }] },
    { path: quality, panel: 'Self-corrections by tool', samples: search(3 / 60) },
    // the instance refusing the client most (12 on a), not the sum over instances (18)
    { path: security, panel: 'Throttled tool calls by client', samples: [
      { labels: '{client_name="honest"}', value: 3 / 60 },
      { labels: '{client_name="scanner"}', value: 12 / 60 }] },
    { path: quality, panel: 'Resource read error ratio', samples: [{ labels: '{resource="docs://index"}', value: 10 / 125 }] },
    { path: quality, panel: 'Resource response size P50 / P95', ref: 0, samples: [{ labels: '{resource="docs://index"}', value: 0.5 }] },
    { path: quality, panel: 'Resource response size P50 / P95', ref: 1, samples: [{ labels: '{resource="docs://index"}', value: 1.5 }] },
    // 6 a minute over the 5 minutes `$__range` stands for here
    { path: security, panel: 'Tool definition changes at run time', samples: [{ labels: '{change="modified", tool="search"}', value: 30 }] },
    { path: security, panel: 'Throttled tool calls by tool and limit', samples: [
      { labels: '{limit="client", tool="search"}', value: 15 / 60 },
      { labels: '{limit="tool", tool="search"}', value: 6 / 60 }] },
  ];
}

describe('queries reading recorded series, evaluated through the generated recording and SLO rules', () => {
  it.each(PROFILE_NAMES)('%s: every query reading a recorded series has an expected result here', (profile) => {
    const recorded = recordedNames(profile);
    const reading = dashboards.filter((g) => g.profile === profile).flatMap((g) => {
      const targets = targetsOf(g.dashboard);
      return targets.map((t, i) => ({ ...t, ref: targets.slice(0, i).filter((o) => o.panel === t.panel).length, path: g.path }))
        .filter((t) => parsePromQL(substituteGrafanaVariables(t.expr)).metrics.some((m) => recorded.has(m)))
        .map((t) => `${t.path} ${t.panel} #${t.ref}`);
    });
    expect(recordedCases(profile).map((c) => `${c.path} ${c.panel} #${c.ref ?? 0}`).sort()).toEqual(reading.sort());
  });

  it.each(PROFILE_NAMES)('%s: every dashboard reads what the rules record', async (profile) => {
    await evaluate(FLEET_INPUT[profile](),
      recordedCases(profile).map((c) => ({ expr: query(c.path, c.panel, c.ref), samples: c.samples })), profile);
  }, 30_000);

  it('a tool quiet for 5 minutes keeps a latency SLI and budget, not NaN', async () => {
    const path = 'dashboards/prom-client/overview.json';
    const l = 'job="mcp", instance="a", tool="idle"';
    const busyThenQuiet = (n: number): string => `0+${n}x3 ${3 * n}x17`;
    await evaluate(
      { [`mcp_tool_invocations_total{${l}, status="ok"}`]: busyThenQuiet(60),
        ...histogram('mcp_tool_duration_seconds', l, [60, 60, 60], busyThenQuiet) },
      [1, 3].map((ref) => ({ expr: query(path, 'SLO status per tool', ref), samples: [{ labels: '{job="mcp", tool="idle"}', value: 1 }] })),
      'prom-client');
  }, 30_000);
});
