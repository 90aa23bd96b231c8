// Transport alerts: initialize handshakes failing (per-transport targets), idle sessions piling up.
import { alertingRules, firing } from '../alert.js';
import { ownSeries, type RuleContext } from '../context.js';
import { seconds } from '../duration.js';
import { NAMES, RATE_WINDOW } from '../recorded.js';
import { Fixtures, gauge } from '../tests/fixtures.js';
import { humanizePercentage } from '../tests/humanize.js';
import type { AlertDef, AreaRules, TestCase } from '../types.js';
import { firesAt } from './guards.js';

/** Fewer handshakes than this per rate window make the success ratio noise (one failure of three is not an outage). */
export const MIN_HANDSHAKES_PER_WINDOW = 10;

export function transportArea(ctx: RuleContext): AreaRules | undefined {
  const { config } = ctx;
  const q = ctx.job;
  const alerts: AlertDef[] = [];
  const tests: TestCase[] = [];
  const fx = new Fixtures(ctx);

  if (q.has('handshakes')) {
    const transport = q.label('handshakes', 'transport');
    const key = [...q.keep, transport].join(', ');
    const target = (t: 'stdio' | 'http') =>
      `${ownSeries(NAMES.handshakeSuccessRatio, transport, [{ label: transport, op: '=', value: q.value('handshakes', 'transport', t) }])} < ${config.handshake[t]}`;
    const minRate = MIN_HANDSHAKES_PER_WINDOW / seconds(RATE_WINDOW);
    const targets = `stdio ${humanizePercentage(config.handshake.stdio)}, http ${humanizePercentage(config.handshake.http)}`;
    const def: AlertDef = {
      name: 'McpHandshakeSuccessLow',
      summary: 'MCP initialize handshakes fail more often than the transport\'s target allows.',
      description: `Only {{ $value | humanizePercentage }} of {{ $labels.${transport} }} handshakes on job {{ $labels.job }} succeeded over ${RATE_WINDOW} (targets: ${targets}).`,
      doc: {
        meaning: `The share of successful initialize handshakes over ${RATE_WINDOW} is below the transport's target (${targets}) with at least ${MIN_HANDSHAKES_PER_WINDOW} handshakes in the window.`,
        impact: 'Clients cannot start sessions: every tool of the server is unavailable to them.',
        diagnosis: ['Transport dashboard: handshakes by transport, outcome, client and protocol version.',
          'A single client name or protocol version failing points at a version mismatch; all failing points at the server.',
          'HTTP: check rejected requests (bad Host/Origin, Accept header) and the reverse proxy in front of the server.'],
        mitigation: ['Roll back a deploy that changed protocol versions or capabilities.', 'Fix proxy / allowed-origin settings for HTTP.',
          'Ask the failing client\'s owner to upgrade when its protocol version is unsupported.'],
      },
      variants: [{
        expr: `(${target('stdio')} or ${target('http')})\nand on (${key})\n${ownSeries(NAMES.handshakeRate, transport)} >= ${minRate.toFixed(4)}`,
        for: ctx.timing.hold(config.handshake.for), severity: 'critical',
      }],
    };
    alerts.push(def);
    // stdio at 99% misses its 99.9% target; http at 99.5% meets its 99% target; a trickle of failing handshakes is ignored.
    const handshakes = (t: 'stdio' | 'http', ok: number, failed: number) =>
      fx.outcomes('handshakes', { transport: t }, { ok, failed }, { ok: 'success', failed: '-32603' });
    tests.push({
      name: 'handshakes: stdio below its target fires, http above its own target stays silent',
      interval: '1m',
      series: [...handshakes('stdio', 99, 1), ...handshakes('http', 199, 1)],
      alerts: [
        { at: config.handshake.for, alert: def.name, expect: [] },
        { at: firesAt(config.handshake.for), alert: def.name, expect: [firing(def, config, 0,
          fx.kept('job', { [transport]: q.value('handshakes', 'transport', 'stdio') }),
          `Only 99% of ${q.value('handshakes', 'transport', 'stdio')} handshakes on job ${fx.scope.job} succeeded over ${RATE_WINDOW} (targets: ${targets}).`)] },
      ],
    }, {
      name: 'handshakes: too few to judge stay silent even when half fail',
      interval: '1m',
      series: handshakes('stdio', 0.05, 0.05),
      alerts: [{ at: firesAt(config.handshake.for, 600), alert: def.name, expect: [] }],
    });
  }

  if (q.has('idleSessions')) {
    const iq = ctx.instance;
    const { max } = config.idleSessions;
    const def: AlertDef = {
      name: 'McpIdleSessionsHigh',
      summary: 'Idle MCP sessions are piling up.',
      description: `{{ $value }} sessions on {{ $labels.instance }} (job {{ $labels.job }}) have been idle past the reaper threshold (limit ${max}).`,
      doc: {
        meaning: `More than ${max} open sessions on one process have sent nothing for longer than the idle threshold, for ${config.idleSessions.for}.`,
        impact: 'Each session holds memory and a transport; a build-up ends in heap exhaustion or refused connections.',
        diagnosis: ['Transport dashboard: active vs idle sessions and sessions reaped per instance.', 'Which clients hold them (logs by client name): agents that never close sessions?',
          'Is the idle reaper running (mcp_sessions_reaped_total increasing)?'],
        mitigation: ['Lower the idle threshold or enable the reaper.', 'Restart the instance if memory is at risk (see McpHeapNearLimit).', 'Fix the client that leaks sessions.'],
      },
      variants: [{ expr: `${iq.gauge('idleSessions')} > ${max}`, for: ctx.timing.hold(config.idleSessions.for), severity: 'warning' }],
    };
    alerts.push(def);
    const steps = Math.ceil(seconds(config.idleSessions.for) / 60) + 10;
    tests.push({
      name: 'idle sessions above the limit fire; below it stay silent',
      interval: '1m',
      series: [fx.series('idleSessions', { transport: 'http' }, gauge(max * 2, steps)),
        fx.series('idleSessions', { transport: 'http' }, gauge(Math.floor(max / 2), steps), { extra: { instance: 'quiet:3100' } })],
      alerts: [
        { at: firesAt(config.idleSessions.for, -60), alert: def.name, expect: [] },
        { at: firesAt(config.idleSessions.for, 0), alert: def.name, expect: [firing(def, config, 0, fx.kept('instance'),
          `${max * 2} sessions on ${fx.scope.instance} (job ${fx.scope.job}) have been idle past the reaper threshold (limit ${max}).`)] },
      ],
    });
  }
  if (!alerts.length) return undefined;
  return { area: 'transport', groups: [{ name: 'mcp-transport-alerts', rules: alerts.flatMap((a) => alertingRules(a, config)) }], alerts, tests, reads: ['recording'] };
}
