import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/catalog/index.js';
import { SignalQueries } from '../../src/cli/promql/index.js';

describe('well-known error types per profile', () => {
  it('spells invalid_params as the profile records it (otel: the JSON-RPC code)', () => {
    const where = { errorType: 'invalid_params' };
    expect(new SignalQueries(PROFILES['prom-client'], [], []).select('toolErrors', { where }))
      .toBe('mcp_tool_errors_total{error_type="invalid_params"}');
    expect(new SignalQueries(PROFILES.otel, [], []).select('toolErrors', { where }))
      .toBe('otel:mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call", error_type!="", error_type="-32602"}');
  });

  it('spells unknown_tool, which semconv lacks, as the otel normalisation writes it', () => {
    expect(new SignalQueries(PROFILES.otel, [], []).select('toolErrors', { where: { errorType: 'unknown_tool' } }))
      .toBe('otel:mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call", error_type!="", error_type="unknown_tool"}');
  });
});
