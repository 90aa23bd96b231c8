// Template variables every dashboard carries: data source, job, instance and tool, shaped as
// grafana/dashboard-linter's template rules expect (multi-select, "All" = ".+", reload on time change).
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { SignalQueries } from '../promql/index.js';
import { DATASOURCE } from './panels.js';

/** Matchers that scope every panel query to the selected jobs and instances. */
export const SCOPE = ['job=~"$job"', 'instance=~"$instance"'] as const;
/** Role filter narrowing tool signals to the selected tools. */
export const TOOL_FILTER = { tool: { op: '=~' as const, value: '$tool' } };
/** Role filter narrowing per-client signals to the selected client names. */
export const CLIENT_FILTER = { clientName: { op: '=~' as const, value: '$client' } };

export function datasourceVariable(defaultUid: string): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .current({ selected: true, text: defaultUid, value: defaultUid });
}

function queryVariable(name: string, label: string, query: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current({ selected: true, text: 'All', value: '$__all' });
}

/**
 * job, instance, tool and (where the profile labels clients) client, each listed from a series every MCP server exports in this profile
 * (JSON-RPC requests; tool calls for the tool list) inside the config's selector, each narrowed by
 * the variables before it.
 */
export function scopeVariables(q: SignalQueries, selector: string): dashboard.QueryVariableBuilder[] {
  const inSelector = new SignalQueries(q.profile, [selector], []);
  const byJob = new SignalQueries(q.profile, [selector, SCOPE[0]], []);
  const clients = q.has('handshakes') && q.spelling('handshakes').labels.clientName !== undefined;
  return [
    queryVariable('job', 'Job', `label_values(${inSelector.select('requests')}, job)`),
    queryVariable('instance', 'Instance', `label_values(${byJob.select('requests')}, instance)`),
    queryVariable('tool', 'Tool', `label_values(${q.select('toolCalls')}, ${q.label('toolCalls', 'tool')})`),
    // Client names (clientInfo.name, bounded) from handshakes; the otel conventions carry none.
    ...(clients ? [queryVariable('client', 'Client', `label_values(${q.select('handshakes')}, ${q.label('handshakes', 'clientName')})`)] : []),
  ];
}
