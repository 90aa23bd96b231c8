import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toGrafanaGroup } from '../../src/cli/publish/grafana-rules.js';
import { loadPrometheusRuleFiles } from '../../src/cli/publish/prom-rules.js';
import { startFakeGrafana, type FakeGrafana } from './fake-grafana.js';
import { FIXTURES, run, TOKEN } from './helpers.js';

let grafana: FakeGrafana;
let env: Record<string, string>;
beforeEach(async () => {
  grafana = await startFakeGrafana({ token: TOKEN });
  env = { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN };
});
afterEach(() => grafana.close());

const opts = { folderUid: 'mcp-observability', datasourceUid: 'prometheus', editable: false };
const [file] = loadPrometheusRuleFiles(`${FIXTURES}/alerts/prom-client`);
const alertsGroup = file!.groups.find((g) => g.name === 'mcp-tools-alerts')!;

describe('Prometheus rules → Grafana-managed rules', () => {
  it('turns each alert into query A, math B and threshold C on the fixed data source', () => {
    const { body } = toGrafanaGroup(alertsGroup, opts);
    expect(body.interval).toBe(60);
    expect(body.rules).toHaveLength(3);
    const [first] = body.rules as { data: { refId: string; datasourceUid: string; model: Record<string, unknown> }[]; condition: string; for: string }[];
    expect(first!.condition).toBe('C');
    expect(first!.for).toBe('10m');
    expect(first!.data.map((q) => [q.refId, q.datasourceUid])).toEqual([['A', 'prometheus'], ['B', '__expr__'], ['C', '__expr__']]);
    expect(first!.data[0]!.model).toMatchObject({ expr: alertsGroup.rules[0]!.expr, instant: true });
    expect(first!.data[1]!.model).toMatchObject({ type: 'math', expression: 'is_number($A) || is_nan($A) || is_inf($A)' });
    expect(first!.data[2]!.model).toMatchObject({ type: 'threshold', expression: 'B', conditions: [{ evaluator: { type: 'gt', params: [0] } }] });
  });

  it('keeps labels and annotations, rewrites $value for Grafana, and gives stable unique uids and titles', () => {
    const { body } = toGrafanaGroup(alertsGroup, opts);
    const rules = body.rules as { uid: string; title: string; labels: Record<string, string>; annotations: Record<string, string> }[];
    expect(rules.map((r) => r.title)).toEqual(['McpToolErrorRateHigh', 'McpToolErrorRateHigh (critical)', 'McpServerDown']);
    expect(new Set(rules.map((r) => r.uid)).size).toBe(3);
    for (const r of rules) expect(r.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(toGrafanaGroup(alertsGroup, opts).body.rules.map((r) => r.uid)).toEqual(rules.map((r) => r.uid));
    expect(rules[1]!.labels).toEqual({ severity: 'critical' });
    expect(rules[0]!.annotations.description).toBe('Tool {{ $labels.tool }} on {{ $labels.job }} fails {{ $values.A.Value | humanizePercentage }} of calls.');
    expect(rules[0]!.annotations.runbook_url).toBe('https://example.com/runbook.md#mcptoolerrorratehigh');
  });

  it('skips recording rules with a note and rounds intervals to Grafana\'s 10 s tick', () => {
    const recording = file!.groups.find((g) => g.name === 'mcp-tools-recording')!;
    const { body, notes } = toGrafanaGroup({ ...recording, interval: '15s' }, opts);
    expect(body.rules).toEqual([]);
    expect(notes).toContain('interval 15s rounded to 20s (Grafana evaluates every 10s)');
    expect(notes.some((n) => n.startsWith('1 recording rule(s) skipped'))).toBe(true);
  });

  it('publishes rule groups (creating the folder), locked by provenance, unchanged on the second run', async () => {
    const r = await run(['--grafana-alerts'], env);
    expect(r.code).toBe(0);
    expect(grafana.folders.has('mcp-observability')).toBe(true);
    expect(grafana.dashboards.size).toBe(0);
    const stored = grafana.ruleGroups.get('mcp-observability/mcp-tools-alerts') as { rules: { provenance?: string }[] };
    expect(stored.rules.map((x) => x.provenance)).toEqual(['api', 'api', 'api']);
    const put = grafana.requests.find((q) => q.method === 'PUT');
    expect(put?.headers['x-disable-provenance']).toBeUndefined();

    const again = await run(['--grafana-alerts'], env);
    expect(again.out).toMatch(/^grafana-rules\s+mcp-tools-alerts\s+unchanged\s+skipped$/m);
    expect(grafana.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
  });

  it('--editable sends X-Disable-Provenance and plans the provenance change', async () => {
    await run(['--grafana-alerts'], env);
    const r = await run(['--grafana-alerts', '--editable'], env);
    expect(r.out).toContain('~ rules[0].provenance: "api" → ""');
    const puts = grafana.requests.filter((q) => q.method === 'PUT');
    expect(puts.at(-1)?.headers['x-disable-provenance']).toBe('true');
    const again = await run(['--grafana-alerts', '--editable'], env);
    expect(again.out).toMatch(/^grafana-rules\s+mcp-tools-alerts\s+unchanged\s+skipped$/m);
    expect(grafana.requests.filter((q) => q.method === 'PUT')).toHaveLength(puts.length);
  });

  it('shows a removed annotation as a change (labels and annotations are compared whole)', async () => {
    await run(['--grafana-alerts'], env);
    const stored = grafana.ruleGroups.get('mcp-observability/mcp-tools-alerts') as { rules: { annotations: Record<string, string> }[] };
    stored.rules[2]!.annotations.dashboard_url = 'added by hand';
    const r = await run(['--grafana-alerts', '--dry-run'], env);
    expect(r.out).toContain('- rules[2].annotations.dashboard_url: "added by hand"');
  });

  it('explains a 403 with the permission needed', async () => {
    grafana.inject('PUT', /rule-groups/, [{ status: 403, body: { message: 'You\'ll need additional permissions to perform this action.' } }]);
    const r = await run(['--grafana-alerts'], env);
    expect(r.code).toBe(1);
    expect(r.all).toContain('permission denied (403)');
    expect(r.all).toContain('alert.provisioning:write (Admin role by default)');
  });
});
