// Both profiles' rules loaded into one Prometheus (the local stack does this) write the same
// recorded names, told apart by their tool label. An alert reading them must see only its own
// profile's series: here each profile's McpToolErrorRatioHigh, with both profiles' recording rules
// and a failing tool in each, answers with exactly its own tool's series (promtool 2.42).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/cli/config/load.js';
import { promtool, writeGenerated } from './helpers.js';

interface RuleFile { groups: { rules: { alert?: string; expr: string }[] }[] }

const alertExpr = (file: string, name: string): string =>
  (yaml.load(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules).find((r) => r.alert === name)!.expr;

describe('rules of both profiles in one Prometheus', () => {
  const dir = writeGenerated(validateConfig({}));
  const rules = (profile: string, area: string) => join(dir, 'alerts', profile, `${area}.rules.yaml`);
  // Per minute: 30 failing and 30 good calls of `search_docs`, in each profile's spelling.
  const inputs = [
    { series: 'mcp_tool_invocations_total{job="mcp", tool="search_docs", status="error"}', values: '0+30x20' },
    { series: 'mcp_tool_invocations_total{job="mcp", tool="search_docs", status="ok"}', values: '0+30x20' },
    { series: 'mcp_tool_errors_total{job="mcp", tool="search_docs", error_type="tool_error"}', values: '0+30x20' },
    { series: 'mcp_server_operation_duration_seconds_count{job="mcp", mcp_method_name="tools/call", gen_ai_tool_name="search_docs", error_type="tool_error"}', values: '0+30x20' },
    { series: 'mcp_server_operation_duration_seconds_count{job="mcp", mcp_method_name="tools/call", gen_ai_tool_name="search_docs"}', values: '0+30x20' },
  ];
  const ratio = 'job_tool:mcp_tool_server_errors:ratio_rate5m';
  const own = { 'prom-client': `${ratio}{job="mcp", tool="search_docs"}`, otel: `${ratio}{job="mcp", gen_ai_tool_name="search_docs"}` } as const;

  it.each(['prom-client', 'otel'] as const)('the %s McpToolErrorRatioHigh condition reads only its own series', async (profile) => {
    const testFile = join(dir, `cross-${profile}.test.yaml`);
    writeFileSync(testFile, yaml.dump({
      rule_files: [rules('prom-client', 'recording'), rules('otel', 'normalise'), rules('otel', 'recording')],
      group_eval_order: ['mcp-recording', 'mcp-normalise'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: inputs,
        promql_expr_test: [{ expr: alertExpr(rules(profile, 'tools'), 'McpToolErrorRatioHigh'), eval_time: '10m',
          exp_samples: [{ labels: own[profile], value: 0.5 }] }],
      }],
    }, { lineWidth: -1 }));
    const r = await promtool(['test', 'rules', testFile]);
    expect(r.all, r.all).toContain('SUCCESS');
  });
});
