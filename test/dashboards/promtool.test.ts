// Real Prometheus semantics for the dashboard queries whose shape is unusual (top-k by a computed
// k, "or ... * 0" fallbacks, SLIs from histogram buckets): promtool evaluates the generated expressions.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { substituteGrafanaVariables } from '../../src/promql/index.js';
import { generated, targetsOf } from './fixtures.js';

const dashboards = generated();

/** The expression of a panel's query, as Grafana sends it with "All" selected and a 5m rate interval. */
function query(path: string, panel: string, refId = 0): string {
  const d = dashboards.find((g) => g.path === path)!.dashboard;
  const exprs = targetsOf(d).filter((t) => t.panel === panel);
  expect(exprs.length, `${path}: ${panel}`).toBeGreaterThan(refId);
  return substituteGrafanaVariables(exprs[refId]!.expr);
}

interface Sample { labels: string; value: number }

async function evaluate(series: Record<string, string>, tests: { expr: string; samples: Sample[] }[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dash-promtool-'));
  const file = join(dir, 'test.yaml');
  writeFileSync(file, yaml.dump({
    rule_files: [],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: Object.entries(series).map(([s, values]) => ({ series: s, values })),
      promql_expr_test: tests.map((t) => ({ expr: t.expr, eval_time: '10m', exp_samples: t.samples })),
    }],
  }, { lineWidth: -1 }));
  const result = await execa('promtool', ['test', 'rules', file], { reject: false });
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
}

const prom = (tool: string, extra = ''): string => `{job="mcp", instance="a", tool="${tool}"${extra}}`;

describe('dashboard queries evaluated by promtool', () => {
  it('the 80/20 stat gives the busiest fifth of tools\' share of calls', async () => {
    const calls = (tool: string) => `mcp_tool_invocations_total${prom(tool, ', status="ok"')}`;
    await evaluate(
      { [calls('a')]: '0+80x20', [calls('b')]: '0+5x20', [calls('c')]: '0+5x20', [calls('d')]: '0+5x20', [calls('e')]: '0+5x20' },
      [
        { expr: query('dashboards/prom-client/quality.json', 'Share of calls served by the busiest 20% of tools'), samples: [{ labels: '{}', value: 0.8 }] },
        { expr: query('dashboards/prom-client/quality.json', 'Tools called'), samples: [{ labels: '{}', value: 5 }] },
      ]);
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
      }]);
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
        { expr: query(path, 'SLO status per tool', 0), samples: [{ labels: '{gen_ai_tool_name="t"}', value: 0.95 }] },
        { expr: query(path, 'SLO status per tool', 1), samples: [{ labels: '{gen_ai_tool_name="t"}', value: 0.95 }] },
      ]);
  }, 30_000);
});
