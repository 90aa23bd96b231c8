// The otel profile's normalisation step: first-level recording rules that write, from every
// exporter's spelling of an OpenTelemetry metric, the one canonical family the profile's other
// rules and panels read (catalogue: otel-normalised.ts). Besides names (unit suffix or not, OTel
// scope labels, old and new runtime metrics, Go and Python process metrics) they normalise how MCP
// operations are classified, which servers spell differently too:
// - a JSON-RPC error that a server records only as rpc.response.status_code gets it as error.type;
// - a tools/call naming a tool the server does not have becomes gen_ai.tool.name="_OTHER",
//   error.type="unknown_tool", whether the server wrote -32602, _OTHER, "unknown" or the raw
//   (unbounded) name. Metrics carry no registry of tool names: a tool is taken to exist once the
//   process has answered a call to it with a result (a success or a tool_error series).
import { exportedNames, NORMALISED, UNKNOWN_TOOL_CODES, UNKNOWN_TOOL_ERROR_TYPE, UNKNOWN_TOOL_NAMES, type Matcher, type NormalisedFamily } from '@mcp-observability/catalog';
import { selector, type MatcherLike } from '../promql/index.js';
import type { RuleContext } from './context.js';
import { counter, gauge, render, scopeLabels } from './tests/fixtures.js';
import type { AreaRules, ExprCheck, RecordingRule, TestCase } from './types.js';

export const NORMALISE_GROUP = 'mcp-normalise';

const HISTOGRAM_PARTS = ['bucket', 'count', 'sum'] as const;
type Part = (typeof HISTOGRAM_PARTS)[number];

const m = (label: string, op: Matcher['op'], value: string): Matcher => ({ label, op, value });

/** The exported series of a family in any spelling (one histogram part of it). */
function exported(f: NormalisedFamily, part: Part | undefined, scope: readonly MatcherLike[], extra: readonly MatcherLike[] = []): string {
  return selector('', [m('__name__', '=~', exportedNames(f, part)), ...scope, ...extra]);
}

const dropped = (f: NormalisedFamily, more: readonly string[] = []): string => ['__name__', ...f.drop, ...more].join(', ');

/**
 * One part of the operation histogram with its classification normalised: the unknown-tool
 * failures, the failures spelled only by their status code, and the rest (three disjoint sets).
 */
function operationExpr(f: NormalisedFamily, part: Part, scope: readonly MatcherLike[], process: readonly string[]): string {
  const sel = (p: Part, ...extra: Matcher[]) => exported(f, p, scope, extra);
  const call = m('mcp_method_name', '=', 'tools/call');
  const named = UNKNOWN_TOOL_NAMES.join('|');
  const noError = m('error_type', '=', '');
  const noCode = m('rpc_response_status_code', '=', '');
  const perTool = [...process, 'gen_ai_tool_name'].join(', ');
  const answered = `group by (${perTool}) (${sel('count', call, m('error_type', '=~', '|tool_error'), noCode)})`;
  const unknown = `(((${sel(part, call, m('gen_ai_tool_name', '!~', named), m('error_type', '=~', UNKNOWN_TOOL_CODES.join('|')))}`
    + ` or ${sel(part, call, m('gen_ai_tool_name', '!~', named), noError, m('rpc_response_status_code', '=', '-32602'))})`
    + ` unless on (${perTool}) ${answered})`
    + ` or ${sel(part, call, m('gen_ai_tool_name', '=~', named), m('error_type', '!=', ''))}`
    + ` or ${sel(part, call, m('gen_ai_tool_name', '=~', named), noError, m('rpc_response_status_code', '!=', ''))})`;
  // Many raw names become one _OTHER series: summed first, so no two series collide when the labels are set.
  const set = (expr: string, label: string, value: string) => `label_replace(${expr}, "${label}", "${value}", "mcp_method_name", ".*")`;
  const unknownTools = set(set(`sum without (${dropped(f, ['gen_ai_tool_name', 'error_type'])}) (${unknown})`, 'gen_ai_tool_name', '_OTHER'),
    'error_type', UNKNOWN_TOOL_ERROR_TYPE);
  const codeOnly = `label_replace(${sel(part, noError, m('rpc_response_status_code', '!=', ''))} unless ${unknown}, "error_type", "$1", "rpc_response_status_code", "(.+)")`;
  const rest = `(${sel(part, m('error_type', '!=', ''))} or ${sel(part, noError, noCode)}) unless ${unknown}`;
  return `sum without (${dropped(f)}) (${unknownTools} or ${codeOnly} or ${rest})`;
}

export function normaliseRules(ctx: RuleContext): RecordingRule[] {
  const scope = [ctx.config.selector];
  // A tool exists per process: the labels that tell processes apart (aggregation labels, job, instance).
  const process = ctx.instance.keep;
  return (ctx.profile.normalised ?? []).flatMap((f) => {
    const parts: readonly (Part | undefined)[] = f.type === 'histogram' ? HISTOGRAM_PARTS : [undefined];
    return parts.map((part) => ({
      record: part ? `${f.name}_${part}` : f.name,
      expr: f.classify === 'operations' && part ? operationExpr(f, part, scope, process) : `${f.combine} without (${dropped(f)}) (${exported(f, part, scope)})`,
    }));
  });
}

/** promtool cases: the spellings of a Go, a Node and our own exporter land on one canonical set. */
function normaliseTests(ctx: RuleContext): TestCase[] {
  const scope = scopeLabels(ctx.config);
  const go = { ...scope, instance: 'go:1', otel_scope_name: 'mcp-grafana', otel_scope_version: '' };
  const node = { ...scope, instance: 'node:1', otel_scope_name: 'mcp-node' };
  const own = { ...scope, instance: 'own:1' };
  const ops = (labels: Record<string, string>, unit = true) => render(`mcp_server_operation_duration${unit ? '_seconds' : ''}_count`, labels);
  const count = NORMALISED.operations.name + '_count';
  const canonical = (instance: string, labels: Record<string, string>) => render(count, { ...scope, instance, ...labels });
  const tool = (name: string, extra: Record<string, string> = {}) => ({ mcp_method_name: 'tools/call', gen_ai_tool_name: name, ...extra });
  const at = '10m';
  const exprs: ExprCheck[] = [
    { at, expr: `${count}{instance="go:1"}`, expect: [
      // Raw unknown names (error_type _OTHER, never answered) collapse into one unknown-tool series.
      { labels: canonical('go:1', tool('_OTHER', { error_type: UNKNOWN_TOOL_ERROR_TYPE })), value: 30 },
      { labels: canonical('go:1', tool('search_dashboards')), value: 50 },
      // _OTHER on a tool that answers is a server fault and stays one.
      { labels: canonical('go:1', tool('search_dashboards', { error_type: '_OTHER' })), value: 10 },
    ] },
    { at, expr: `${count}{instance="node:1"}`, expect: [
      { labels: canonical('node:1', { mcp_method_name: 'prompts/get', gen_ai_prompt_name: 'p', rpc_response_status_code: '-32602', error_type: '-32602' }), value: 10 },
      { labels: canonical('node:1', tool('add', { error_type: 'tool_error' })), value: 30 },
      { labels: canonical('node:1', tool('_OTHER', { rpc_response_status_code: '-32602', error_type: UNKNOWN_TOOL_ERROR_TYPE })), value: 40 },
    ] },
    { at, expr: `${count}{instance="own:1"}`, expect: [
      { labels: canonical('own:1', tool('add')), value: 20 },
      // Invalid arguments to a tool that answers stay a validation error.
      { labels: canonical('own:1', tool('add', { error_type: '-32602', rpc_response_status_code: '-32602' })), value: 50 },
      { labels: canonical('own:1', tool('_OTHER', { error_type: UNKNOWN_TOOL_ERROR_TYPE, rpc_response_status_code: '-32602' })), value: 70 },
    ] },
  ];
  const runtime: ExprCheck[] = [
    { at, expr: NORMALISED.cpuSeconds.name, expect: [
      { labels: render(NORMALISED.cpuSeconds.name, { ...scope, instance: 'go:1' }), value: 10 },
      { labels: render(NORMALISED.cpuSeconds.name, { ...scope, instance: 'own:1' }), value: 30 },
    ] },
    { at, expr: NORMALISED.residentMemory.name, expect: [
      { labels: render(NORMALISED.residentMemory.name, { ...scope, instance: 'go:1' }), value: 5e7 },
      { labels: render(NORMALISED.residentMemory.name, { ...scope, instance: 'own:1' }), value: 6e7 },
    ] },
    { at, expr: NORMALISED.heapUsed.name, expect: [
      { labels: render(NORMALISED.heapUsed.name, { ...scope, instance: 'node:1', v8js_heap_space_name: 'old_space' }), value: 8e6 },
      { labels: render(NORMALISED.heapUsed.name, { ...scope, instance: 'own:1', v8js_heap_space_name: 'old_space' }), value: 9e6 },
    ] },
    { at, expr: NORMALISED.presence.name, expect: [
      { labels: render(NORMALISED.presence.name, { ...scope, instance: 'go:1', service_name: 'mcp-grafana' }), value: 1 },
      { labels: render(NORMALISED.presence.name, { ...scope, instance: 'node:1', service_name: 'mcp-node' }), value: 1 },
    ] },
  ];
  return [{
    name: 'operations: unit suffix or not and scope labels dropped; unknown tools (raw names, _OTHER, "unknown", -32602) become _OTHER/unknown_tool; a status code alone fills error_type',
    interval: '1m',
    series: [
      { series: ops({ ...go, ...tool('nope', { error_type: '_OTHER' }) }), values: counter(1, 10) },
      { series: ops({ ...go, ...tool('nope2', { error_type: '_OTHER' }) }), values: counter(2, 10) },
      { series: ops({ ...go, ...tool('search_dashboards') }), values: counter(5, 10) },
      { series: ops({ ...go, ...tool('search_dashboards', { error_type: '_OTHER' }) }), values: counter(1, 10) },
      { series: ops({ ...node, mcp_method_name: 'prompts/get', gen_ai_prompt_name: 'p', rpc_response_status_code: '-32602' }, false), values: counter(1, 10) },
      { series: ops({ ...node, ...tool('add', { error_type: 'tool_error' }) }, false), values: counter(3, 10) },
      { series: ops({ ...node, ...tool('unknown', { rpc_response_status_code: '-32602' }) }, false), values: counter(4, 10) },
      { series: ops({ ...own, ...tool('add') }), values: counter(2, 10) },
      { series: ops({ ...own, ...tool('add', { error_type: '-32602', rpc_response_status_code: '-32602' }) }), values: counter(5, 10) },
      { series: ops({ ...own, ...tool('_OTHER', { error_type: '-32602', rpc_response_status_code: '-32602' }) }), values: counter(7, 10) },
    ],
    alerts: [],
    exprs,
  }, {
    name: 'runtime: Go/Python process metrics and Node host metrics give one CPU and memory series; heap used with or without the unit; target_info of any exporter',
    interval: '1m',
    series: [
      { series: render('process_cpu_seconds_total', go), values: counter(1, 10) },
      { series: render('process_cpu_time_seconds_total', { ...own, cpu_mode: 'user' }), values: counter(2, 10) },
      { series: render('process_cpu_time_seconds_total', { ...own, cpu_mode: 'system' }), values: counter(1, 10) },
      { series: render('process_resident_memory_bytes', go), values: gauge(5e7, 10) },
      { series: render('process_memory_usage_bytes', own), values: gauge(6e7, 10) },
      { series: render('v8js_memory_heap_used', { ...node, v8js_heap_space_name: 'old_space' }), values: gauge(8e6, 10) },
      { series: render('v8js_memory_heap_used_bytes', { ...own, v8js_heap_space_name: 'old_space' }), values: gauge(9e6, 10) },
      { series: render('target_info', { ...scope, instance: 'go:1', service_name: 'mcp-grafana' }), values: gauge(1, 10) },
      { series: render('target_info', { ...scope, instance: 'node:1', service_name: 'mcp-node' }), values: gauge(1, 10) },
    ],
    alerts: [],
    exprs: runtime,
  }];
}

export function normaliseArea(ctx: RuleContext): AreaRules | undefined {
  const rules = normaliseRules(ctx);
  if (!rules.length) return undefined;
  return { area: 'normalise', groups: [{ name: NORMALISE_GROUP, rules }], alerts: [], tests: normaliseTests(ctx), reads: [] };
}
