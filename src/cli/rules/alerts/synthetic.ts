// Synthetic-check alerts on the probe command's series (blackbox_exporter style: one series set
// per probed target, `instance` = the target). They are scraped from the prober's own job, so the
// config's selector (the servers' job) does not apply; they are kept per job and instance.
import { PROBE_FAMILIES } from '@mcp-observability/catalog';
import { alertingRules, firing } from '../alert.js';
import type { RuleContext } from '../context.js';
import type { AlertDef, AreaRules, InputSeries } from '../types.js';
import { firesAt } from './guards.js';

const family = (name: string): string => PROBE_FAMILIES.find((f) => f.name === name)!.name;
const SUCCESS = family('probe_success');
const DURATION = family('probe_duration_seconds');
const FINGERPRINT = family('probe_mcp_tools_fingerprint');
const FAILING_FOR = '2m';
const SLOW_FOR = '10m';
const SLOW_SECONDS = 5;
const CHANGE_WINDOW = '30m';

export function syntheticArea(ctx: RuleContext): AreaRules {
  const { config } = ctx;
  // One probed target per job and instance, plus the configured aggregation labels (e.g. cluster).
  const KEEP = ctx.instance.keep.join(', ');
  const failing: AlertDef = {
    name: 'McpProbeFailing',
    summary: 'A synthetic MCP session against a server fails.',
    description: `Probing {{ $labels.instance }} (job {{ $labels.job }}) has failed for ${FAILING_FOR}: handshake, tools/list or the module's tool call does not succeed.`,
    doc: {
      meaning: `Every probe of the target for ${FAILING_FOR} failed: the prober could not complete initialize (or server/discover), tools/list or the module's tool call.`,
      impact: 'Clients cannot use the server, whatever its own /metrics say (a server that is down exports nothing).',
      diagnosis: ['probe_mcp_phase_success{instance="…"}: which phase fails; the prober\'s stderr names the error (HTTP status, JSON-RPC code, timeout).',
        'curl the /probe URL with &module=… by hand and read the series.', 'Is the server process up, and its endpoint reachable from the prober?'],
      mitigation: ['Restart or roll back the server.', 'Fix the network path, credentials (module headers) or the module\'s tool call.'],
    },
    variants: [{ expr: `max by (${KEEP}) (${SUCCESS}) == 0`, for: ctx.timing.hold(FAILING_FOR), severity: 'critical' }],
  };
  const slow: AlertDef = {
    name: 'McpProbeSlow',
    summary: 'A synthetic MCP session against a server is slow.',
    description: `Probing {{ $labels.instance }} (job {{ $labels.job }}) has taken more than ${SLOW_SECONDS}s for ${SLOW_FOR} (now {{ $value | humanizeDuration }}).`,
    doc: {
      meaning: `A whole probe (handshake, tools/list, optional tool call) took more than ${SLOW_SECONDS}s on every probe for ${SLOW_FOR}.`,
      impact: 'Clients wait as long on connecting and listing tools; agents time out.',
      diagnosis: ['probe_mcp_phase_duration_seconds: which phase takes the time.', 'The server\'s own latency panels and resource usage.'],
      mitigation: ['Scale or fix the slow phase (handshake: auth or start-up; tools/list: tool registry; tool call: the tool).'],
    },
    variants: [{ expr: `max by (${KEEP}) (${DURATION}) > ${SLOW_SECONDS}`, for: ctx.timing.hold(SLOW_FOR), severity: 'warning' }],
  };
  const changed: AlertDef = {
    name: 'McpProbeToolsChanged',
    summary: 'The tool definitions a server lists have changed.',
    description: `The tools {{ $labels.instance }} (job {{ $labels.job }}) lists changed within ${CHANGE_WINDOW}: a deployment, or tool poisoning.`,
    doc: {
      meaning: `The fingerprint of the tool definitions in tools/list (names, descriptions, schemas, annotations) changed within ${CHANGE_WINDOW}.`,
      impact: 'Models now see different tool descriptions; unannounced changes are how a rug pull or tool poisoning looks from outside.',
      diagnosis: ['Was a release deployed at that time?', 'Compare tools/list before and after (mcp_tool_definition_info on a wrapped or proxied server shows which tool).'],
      mitigation: ['Expected release: nothing to do.', 'Unexpected: take the server out of clients\' configuration and review its tool descriptions.'],
    },
    // Different values within the window, not changes(): vmalert's changes() also counts the step
    // from the sample before the window (a series' first sample counts as a change), so an
    // unchanged fingerprint fired there and promtool and vmalert disagreed on the count.
    variants: [{ expr: `count by (${KEEP}) (max_over_time(${FINGERPRINT}[${ctx.timing.window(CHANGE_WINDOW)}]) != min_over_time(${FINGERPRINT}[${ctx.timing.window(CHANGE_WINDOW)}])) > 0`, for: '0m', severity: 'warning' }],
  };

  const scope = { job: 'mcp-probe', instance: 'http://127.0.0.1:3100/mcp' };
  const healthy = { ...scope, instance: 'http://127.0.0.1:3200/mcp' };
  const series = (name: string, labels: Record<string, string>, values: string): InputSeries =>
    ({ series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`, values });
  return {
    area: 'synthetic',
    groups: [{ name: 'mcp-synthetic-alerts', rules: [...alertingRules(failing, config), ...alertingRules(slow, config), ...alertingRules(changed, config)] }],
    alerts: [failing, slow, changed],
    tests: [{
      name: 'a target whose probes fail fires McpProbeFailing; a healthy one stays silent',
      interval: '1m',
      series: [series(SUCCESS, scope, '0x20'), series(SUCCESS, healthy, '1x20')],
      alerts: [
        { at: firesAt(FAILING_FOR, -60), alert: failing.name, expect: [] },
        { at: firesAt(FAILING_FOR, 0), alert: failing.name, expect: [firing(failing, config, 0, scope,
          `Probing ${scope.instance} (job ${scope.job}) has failed for ${FAILING_FOR}: handshake, tools/list or the module's tool call does not succeed.`)] },
      ],
    }, {
      name: 'slow probes fire McpProbeSlow; fast ones stay silent',
      interval: '1m',
      series: [series(DURATION, scope, '7x20'), series(DURATION, healthy, '0.2x20')],
      alerts: [
        { at: firesAt(SLOW_FOR, -60), alert: slow.name, expect: [] },
        { at: firesAt(SLOW_FOR, 0), alert: slow.name, expect: [firing(slow, config, 0, scope,
          `Probing ${scope.instance} (job ${scope.job}) has taken more than ${SLOW_SECONDS}s for ${SLOW_FOR} (now 7s).`)] },
      ],
    }, {
      name: 'a changed tools fingerprint fires McpProbeToolsChanged; an unchanged one stays silent',
      interval: '1m',
      series: [series(FINGERPRINT, scope, '1234x5 5678x20'), series(FINGERPRINT, healthy, '1234x25')],
      alerts: [
        { at: '5m', alert: changed.name, expect: [] },
        { at: '10m', alert: changed.name, expect: [firing(changed, config, 0, scope,
          `The tools ${scope.instance} (job ${scope.job}) lists changed within ${CHANGE_WINDOW}: a deployment, or tool poisoning.`)] },
      ],
    }],
    reads: [],
  };
}
