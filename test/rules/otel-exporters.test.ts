// The otel profile's rules on series as real exporters spell them, evaluated by promtool: the Go
// server grafana/mcp-grafana 1.6.3 (otel-go semconv mcpconv, Go Prometheus exporter: unit
// suffixes, scope labels, raw unknown tool names with error_type="_OTHER", Go process metrics) and
// a Node server on the OTel JS Prometheus exporter 0.301 with instrumentation-runtime-node 0.37
// (no unit suffixes, caller faults only as rpc_response_status_code, "unknown" as the tool name).
// Label sets are those the real /metrics pages showed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { expect, it } from 'vitest';
import { validateConfig } from '../../src/cli/config/load.js';
import { promtool, writeGenerated } from './helpers.js';

const config = validateConfig({});
const dir = writeGenerated(config);
const base = join(dir, 'alerts/otel');

const goScope = 'otel_scope_name="mcp-grafana", otel_scope_schema_url="", otel_scope_version=""';
const go = (labels: string) => `{job="mcp-go", instance="127.0.0.1:8000", ${labels}, ${goScope}}`;
const node = (labels: string) => `{job="mcp-node", instance="127.0.0.1:9464", ${labels}, otel_scope_name="mcp-node-server"}`;
const perMinute = (n: number) => `0+${n}x40`;

const inputs = [
  // Go: 5 successful searches a minute, 1 call a minute each to two tools that do not exist.
  { series: `mcp_server_operation_duration_seconds_count${go('gen_ai_tool_name="search_dashboards", mcp_method_name="tools/call", network_transport="tcp"')}`, values: perMinute(5) },
  { series: `mcp_server_operation_duration_seconds_count${go('error_type="_OTHER", gen_ai_tool_name="nope", mcp_method_name="tools/call", network_transport="tcp"')}`, values: perMinute(1) },
  { series: `mcp_server_operation_duration_seconds_count${go('error_type="_OTHER", gen_ai_tool_name="nope2", mcp_method_name="tools/call", network_transport="tcp"')}`, values: perMinute(1) },
  { series: `process_cpu_seconds_total{job="mcp-go", instance="127.0.0.1:8000"}`, values: perMinute(1) },
  { series: `target_info{job="mcp-go", instance="127.0.0.1:8000", service_name="mcp-grafana", telemetry_sdk_language="go"}`, values: '1x40' },
  // Node, unsuffixed: 3 successes and 1 tool_error a minute on add; invalid prompt params only as a status code; "unknown" tool.
  { series: `mcp_server_operation_duration_count${node('gen_ai_tool_name="add", mcp_method_name="tools/call"')}`, values: perMinute(3) },
  { series: `mcp_server_operation_duration_count${node('error_type="tool_error", gen_ai_tool_name="add", mcp_method_name="tools/call"')}`, values: perMinute(1) },
  { series: `mcp_server_operation_duration_count${node('gen_ai_tool_name="unknown", mcp_method_name="tools/call", rpc_response_status_code="-32602"')}`, values: perMinute(2) },
  { series: `mcp_server_operation_duration_count${node('gen_ai_prompt_name="greet", mcp_method_name="prompts/get", rpc_response_status_code="-32602"')}`, values: perMinute(1) },
  { series: `v8js_memory_heap_used${node('v8js_heap_space_name="old_space"')}`, values: '8000000x40' },
];

/** The recorded ratio of the _OTHER (unknown) tool on both servers' jobs. */
const unknownTools = (record: string, value: number) => ({
  expr: `${record}{gen_ai_tool_name="_OTHER"}`, eval_time: '30m',
  exp_samples: ['mcp-go', 'mcp-node'].map((job) => ({ labels: `${record}{job="${job}", gen_ai_tool_name="_OTHER"}`, value })),
});

it('normalises real exporter spellings: tool rates from both, unknown tools never server or validation errors, tool_error never a success, no false McpMetricsAbsent', async () => {
  const files = ['normalise', 'recording', 'tools', 'availability'];
  const test = {
    rule_files: files.map((f) => `../${f}.rules.yaml`),
    evaluation_interval: '1m',
    group_eval_order: ['mcp-normalise', 'mcp-recording', 'mcp-tools-alerts', 'mcp-availability-alerts'],
    tests: [{
      interval: '1m',
      input_series: inputs,
      promql_expr_test: [
        { expr: 'round(job_tool:mcp_tool_calls:rate5m * 60)', eval_time: '30m', exp_samples: [
          { labels: '{job="mcp-go", gen_ai_tool_name="search_dashboards"}', value: 5 },
          { labels: '{job="mcp-go", gen_ai_tool_name="_OTHER"}', value: 2 },
          { labels: '{job="mcp-node", gen_ai_tool_name="add"}', value: 4 },
          { labels: '{job="mcp-node", gen_ai_tool_name="_OTHER"}', value: 2 },
        ] },
        // Unknown tools are caller errors: no server errors, no validation errors.
        unknownTools('job_tool:mcp_tool_server_errors:ratio_rate5m', 0),
        unknownTools('job_tool:mcp_tool_validation_errors:ratio_rate5m', 0),
        unknownTools('job_tool:mcp_tool_caller_errors:ratio_rate5m', 1),
        // tool_error is a server-side failure, never a success: 1 of 4 calls.
        { expr: 'job_tool:mcp_tool_server_errors:ratio_rate5m{gen_ai_tool_name="add"}', eval_time: '30m', exp_samples: [
          { labels: 'job_tool:mcp_tool_server_errors:ratio_rate5m{job="mcp-node", gen_ai_tool_name="add"}', value: 0.25 },
        ] },
        // A JSON-RPC caller fault recorded only as a status code is a failure.
        // The one tool with server-side failures is the only McpToolErrorRatioHigh candidate (pending: its for is 10m).
        { expr: 'count by (job, gen_ai_tool_name) (ALERTS{alertname="McpToolErrorRatioHigh"})', eval_time: '30m', exp_samples: [
          { labels: '{job="mcp-node", gen_ai_tool_name="add"}', value: 1 },
        ] },
        { expr: 'round(sum by (job, error_type) (rate(otel:mcp_server_operation_duration_seconds_count{mcp_method_name="prompts/get"}[5m])) * 60)', eval_time: '30m', exp_samples: [
          { labels: '{job="mcp-node", error_type="-32602"}', value: 1 },
        ] },
      ],
      alert_rule_test: [
        { eval_time: '30m', alertname: 'McpToolValidationErrorsHigh', exp_alerts: [] },
        { eval_time: '30m', alertname: 'McpMetricsAbsent', exp_alerts: [] },
      ],
    }],
  };
  const file = join(base, 'tests', 'exporters.test.yaml');
  writeFileSync(file, yaml.dump(test, { lineWidth: -1 }));
  const r = await promtool(['test', 'rules', file]);
  expect(r.all).toContain('SUCCESS');
  expect(r.exitCode).toBe(0);
}, 60_000);

it('reads the V8 heap limit as instrumentation-runtime-node 0.34 spells it: v8js.memory.heap.space.size, the same value as the deprecated v8js.memory.heap.limit', async () => {
  // @upstash/context7-mcp 4.1.1's runtime-node 0.34.0 (labels as its /metrics page showed) and an older release.
  const runtime = 'otel_scope_name="@opentelemetry/instrumentation-runtime-node", otel_scope_version="0.34.0"';
  const current = (labels: string) => `{job="mcp-context7", instance="127.0.0.1:9464", ${labels}, ${runtime}}`;
  const older = (labels: string) => `{job="mcp-node", instance="127.0.0.1:9465", ${labels}, otel_scope_name="@opentelemetry/instrumentation-runtime-node", otel_scope_version="0.12.0"}`;
  const test = {
    rule_files: ['../normalise.rules.yaml', '../resources.rules.yaml'],
    evaluation_interval: '1m',
    group_eval_order: ['mcp-normalise', 'mcp-resources-alerts'],
    tests: [{
      interval: '1m',
      input_series: [
        // 0.34: old_space 95 MB used of 100 MB, new_space 1 of 2: 94 % of the heap's size.
        { series: `v8js_memory_heap_used${current('v8js_heap_space_name="old_space"')}`, values: '95000000x40' },
        { series: `v8js_memory_heap_used${current('v8js_heap_space_name="new_space"')}`, values: '1000000x40' },
        { series: `v8js_memory_heap_space_size${current('v8js_heap_space_name="old_space"')}`, values: '100000000x40' },
        { series: `v8js_memory_heap_space_size${current('v8js_heap_space_name="new_space"')}`, values: '2000000x40' },
        // Before 0.34: 20 %.
        { series: `v8js_memory_heap_used${older('v8js_heap_space_name="old_space"')}`, values: '20000000x40' },
        { series: `v8js_memory_heap_limit${older('v8js_heap_space_name="old_space"')}`, values: '100000000x40' },
      ],
      promql_expr_test: [
        { expr: 'sum by (job) (otel:v8js_memory_heap_limit_bytes)', eval_time: '30m', exp_samples: [
          { labels: '{job="mcp-context7"}', value: 102000000 },
          { labels: '{job="mcp-node"}', value: 100000000 },
        ] },
      ],
      alert_rule_test: [
        { eval_time: '30m', alertname: 'McpHeapNearLimit', exp_alerts: [{ exp_labels: { severity: 'critical', job: 'mcp-context7', instance: '127.0.0.1:9464' },
          exp_annotations: {
            summary: "An MCP server's V8 heap is close to its limit.",
            description: 'Heap used on 127.0.0.1:9464 (job mcp-context7) is 94.12% of the V8 heap limit (threshold 85%).',
            runbook_url: 'https://github.com/mcp-observability/mcp-observability/blob/main/alerts/runbook.md#mcpheapnearlimit',
          } }] },
      ],
    }],
  };
  const file = join(base, 'tests', 'exporters-heap.test.yaml');
  writeFileSync(file, yaml.dump(test, { lineWidth: -1 }));
  const r = await promtool(['test', 'rules', file]);
  expect(r.all).toContain('SUCCESS');
  expect(r.exitCode).toBe(0);
}, 60_000);
