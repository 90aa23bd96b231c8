import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/catalog/index.js';
import { parsePromQL, SignalQueries, substituteGrafanaVariables } from '../../src/cli/promql/index.js';

describe('promql builders', () => {
  const prom = new SignalQueries(PROFILES['prom-client'], ['job=~"mcp.*"'], ['cluster', 'job']);
  const otel = new SignalQueries(PROFILES.otel, ['job=~"mcp.*"'], ['cluster', 'job']);

  it('keep extra aggregation labels through every sum by', () => {
    expect(prom.quantile(0.95, 'toolDuration', '5m', { by: ['tool'] })).toBe(
      'histogram_quantile(0.95, sum by (cluster, job, tool, le) (rate(mcp_tool_duration_seconds_bucket{job=~"mcp.*"}[5m])))');
    expect(otel.rate('toolCalls', '5m', { by: ['tool'], subset: 'failed' })).toBe(
      'sum by (cluster, job, gen_ai_tool_name) (rate(otel:mcp_server_operation_duration_seconds_count{job=~"mcp.*", mcp_method_name="tools/call", error_type!=""}[5m]))');
  });

  it('spells well-known values per profile', () => {
    expect(otel.select('handshakes', { where: { transport: 'stdio' } })).toContain('network_transport="pipe"');
    expect(prom.select('handshakes', { where: { transport: 'stdio' } })).toContain('transport="stdio"');
  });

  it('refuses signals a profile lacks', () => {
    expect(() => otel.rate('agentTasks', '5m')).toThrow(/not in the otel profile/);
  });

  it('produces expressions the PromQL grammar accepts', () => {
    for (const q of [prom, otel]) {
      for (const e of [q.fastShare('toolDuration', 1, '5m', { by: ['tool'] }), q.rate('toolErrors', '1h', { subset: 'serverFailed' })]) {
        expect(parsePromQL(e).errors).toEqual([]);
      }
    }
  });

  it('finds syntax errors and the metric names an expression reads', () => {
    expect(parsePromQL('sum(rate(x[5m]) /').errors.length).toBeGreaterThan(0);
    expect(parsePromQL('a:b:c{x="1"} / on (job) d_total').metrics).toEqual(['a:b:c', 'd_total']);
  });

  it('substitutes Grafana variables as Grafana renders "All"', () => {
    expect(substituteGrafanaVariables('rate(x{job=~"$job", tool=~"${tool}"}[$__rate_interval])'))
      .toBe('rate(x{job=~".+", tool=~".+"}[5m])');
    expect(substituteGrafanaVariables('avg_over_time(x{job=~"$job"}[$__range]) * $__range_s'))
      .toBe('avg_over_time(x{job=~".+"}[5m]) * 300');
  });
});
