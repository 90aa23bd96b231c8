// The fleet generator writes every label value the timed queries select, read from their PromQL,
// and refuses to write a fleet missing one (a panel timed on no data is not measured).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeFleetOpenMetrics, type FleetShape } from '../../bench/fleet-data.js';
import { selectedLabelValues, throughRecordingRules, type SelectedValues } from '../../bench/fleet-selected.js';
import type { ProfileName } from '../../src/catalog/index.js';

async function fleetText(profile: ProfileName, selected: SelectedValues, alerts: string[] = []): Promise<string> {
  const shape: FleetShape = { profile, servers: 2, tools: 3, start: 0, end: 60, intervalSeconds: 30, selected, alerts };
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  await writeFleetOpenMetrics(out, shape);
  return chunks.join('');
}

describe('selectedLabelValues', () => {
  it('reads equality matchers and literal alternations, not patterns or empty values', () => {
    expect(selectedLabelValues([
      'sum by (job) (rate(mcp_tool_errors_total{job=~".+", error_type=~"invalid_params|unknown_tool", tool!="x"}[5m]))',
      'rate(mcp_tool_invocations_total{tool="_OTHER"}[5m]) / ignoring(le) mcp_tool_duration_seconds_bucket{le=~"0.5(\\\\.0)?"}',
      'count(ALERTS{alertname=~"Mcp.*", alertstate="firing"}) or vector(0)',
      'mcp_server_operation_duration_seconds_count{error_type="", mcp_method_name="tools/call"}',
    ])).toEqual({
      mcp_tool_errors_total: { error_type: [['invalid_params', 'unknown_tool']] },
      mcp_tool_invocations_total: { tool: [['_OTHER']] },
      ALERTS: { alertstate: [['firing']] },
      mcp_server_operation_duration_seconds_count: { mcp_method_name: [['tools/call']] },
    });
  });
});

describe('throughRecordingRules', () => {
  it('carries values selected on recorded series to the series their rules read, for labels the rules keep by name', () => {
    const rules = [
      { record: 'job_instance_client_kind:mcp_unknown_requests:rate5m',
        expr: 'sum by (job, instance, client_name, kind) (rate(mcp_unknown_requests_total{job=~"mcp.*"}[5m]))' },
      // a rule reading another rule's series: values reach the raw family through both
      { record: 'job_kind:unknown:sum', expr: 'sum by (job, kind) (job_instance_client_kind:mcp_unknown_requests:rate5m)' },
      // slo is added by the rule, not kept from its input: nothing to carry
      { record: 'slo:sli_error:ratio_rate5m', expr: 'label_replace(sum by (job, tool) (rate(mcp_tool_errors_total[5m])), "slo", "x", "", "")' },
    ];
    const selected = selectedLabelValues(['job_kind:unknown:sum{kind="method"}', 'slo:sli_error:ratio_rate5m{slo="x"}',
      'job_instance_client_kind:mcp_unknown_requests:rate5m{kind="tool"}']);
    expect(throughRecordingRules(selected, rules)).toEqual({
      ...selected,
      'job_instance_client_kind:mcp_unknown_requests:rate5m': { kind: [['tool'], ['method']] },
      mcp_unknown_requests_total: { kind: [['tool'], ['method']] },
    });
  });

  it('carries them through a normalisation rule: `sum without (...)` over `__name__` regex selectors, not the labels label_replace writes', () => {
    const rules = [{ record: 'otel:ops_count',
      expr: 'sum without (__name__, scope) (label_replace({__name__=~"(ops(_seconds)?)_count", job=~"mcp.*"}, "error_type", "unknown_tool", "tool", "_OTHER") '
        + 'unless on (job, tool) group by (job, tool) ({__name__=~"ops_seconds_count", error_type="x"}))' }];
    const selected = selectedLabelValues(['otel:ops_count{method="resources/read", error_type="unknown_tool", scope="x"}']);
    expect(throughRecordingRules(selected, rules, ['ops_seconds_count', 'ops_seconds_sum', 'other_count'])).toEqual({
      ...selected,
      ops_seconds_count: { method: [['resources/read']] },
    });
  });
});

describe('writeFleetOpenMetrics', () => {
  it('writes the selected values besides its samples: unknown tools, unknown-request kinds, alerts', async () => {
    const text = await fleetText('prom-client', selectedLabelValues([
      'rate(mcp_tool_invocations_total{tool="_OTHER"}[5m])',
      'rate(mcp_unknown_requests_total{kind="tool"}[5m]) + rate(mcp_unknown_requests_total{kind="method"}[5m])',
      'ALERTS{alertstate="firing"}',
    ]), ['McpToolErrors']);
    expect(text).toMatch(/^mcp_tool_invocations_total\{job="mcp",instance="srv-0001:3100",tool="_OTHER",status="error"\} \d+ 60$/m);
    expect(text).toMatch(/^mcp_unknown_requests_total\{[^}]*kind="method"\} /m);
    expect(text).toMatch(/^mcp_unknown_requests_total\{[^}]*kind="tool"\} /m);
    expect(text).toMatch(/^ALERTS\{alertname="McpToolErrors",alertstate="firing",job="mcp",instance="srv-0000:3100"\} 1 0$/m);
    expect(text).toMatch(/# EOF\n$/);
  });

  it('writes an unregistered tool as a tools/call of the otel operation histogram', async () => {
    const text = await fleetText('otel', selectedLabelValues(['rate(mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call", gen_ai_tool_name="_OTHER"}[5m])']));
    expect(text).toMatch(/^mcp_server_operation_duration_seconds_count\{[^}]*mcp_method_name="tools\/call",gen_ai_tool_name="_OTHER"[^}]*\} /m);
  });

  it('writes the initialize of another selected transport (stdio sessions are "pipe") on the otel operation histogram', async () => {
    const text = await fleetText('otel', selectedLabelValues(['mcp_server_operation_duration_seconds_count{mcp_method_name="initialize", network_transport="pipe"}']));
    expect(text).toMatch(/^mcp_server_operation_duration_seconds_count\{[^}]*network_transport="pipe"[^}]*mcp_method_name="initialize"[^}]*\} /m);
  });

  it('names a selected value it cannot write instead of leaving its panel empty', async () => {
    await expect(fleetText('otel', selectedLabelValues(['mcp_server_session_duration_seconds_count{error_type="timeout"}'])))
      .rejects.toThrow('mcp_server_session_duration_seconds_count{error_type=~"timeout"}');
  });

  it('answers an alternation with any one of its values', async () => {
    // otel writes -32601 and -32602 failures, not every caller code the rules list
    const text = await fleetText('otel', selectedLabelValues(['mcp_server_operation_duration_seconds_count{error_type=~"-32700|-32601"}']));
    expect(text).toMatch(/^mcp_server_operation_duration_seconds_count\{[^}]*error_type="-32601"/m);
  });
});
