// Security alerts: bursts of JSON-RPC -32601 (method not found), the mark of a client probing for methods.
import { alertingRules, firing } from '../alert.js';
import type { RuleContext } from '../context.js';
import { seconds } from '../duration.js';
import { RATE_WINDOW } from '../recorded.js';
import { counter, Fixtures } from '../tests/fixtures.js';
import { g4 } from '../tests/humanize.js';
import type { AlertDef, AreaRules } from '../types.js';
import { firesAt } from './guards.js';

export const METHOD_NOT_FOUND = '-32601';

export function securityArea(ctx: RuleContext): AreaRules | undefined {
  const { config } = ctx;
  const q = ctx.instance;
  if (!q.has('jsonrpcErrors')) return undefined;
  const limit = config.probing.methodNotFoundPerSecond;
  const def: AlertDef = {
    name: 'McpMethodNotFoundSpike',
    summary: 'A burst of JSON-RPC "method not found" errors: a client may be probing the server.',
    description: `{{ $labels.instance }} (job {{ $labels.job }}) answers {{ $value | humanize }} requests per second with -32601 method not found over ${RATE_WINDOW} (threshold ${limit}/s).`,
    doc: {
      meaning: `More than ${limit} requests per second on one process asked for JSON-RPC methods the server does not implement, for ${config.probing.for}.`,
      impact: 'Usually a scanner or a misconfigured client enumerating methods; it costs little by itself but often precedes attempts on real methods.',
      diagnosis: ['Security dashboard: -32601 rate by method, rejected requests and auth failures around the same time.',
        'Audit trail and access logs: which client, address or session sends them.', 'A freshly upgraded client using a newer protocol method is the benign case.'],
      mitigation: ['Block or rate-limit the source at the proxy.', 'Require authentication on the HTTP transport.', 'If a legitimate client needs the method, implement or upgrade.'],
    },
    variants: [{
      expr: `${q.rate('jsonrpcErrors', ctx.timing.window(RATE_WINDOW), { where: { code: METHOD_NOT_FOUND } })} > ${limit}`,
      for: ctx.timing.hold(config.probing.for), severity: 'warning',
    }],
  };
  const fx = new Fixtures(ctx);
  const perStep = (perSecond: number) => perSecond * 60;
  const errors = (code: string, perSecond: number, instance = fx.scope.instance as string) =>
    fx.series('jsonrpcErrors', { code, method: 'tools/probe' }, counter(perStep(perSecond)), { extra: { instance } });
  return {
    area: 'security',
    groups: [{ name: 'mcp-security-alerts', rules: alertingRules(def, config) }],
    alerts: [def],
    tests: [{
      name: '-32601 above the threshold fires; other codes and a trickle stay silent',
      interval: '1m',
      series: [errors(METHOD_NOT_FOUND, limit * 2), errors('-32602', limit * 4, 'other-code:3100'), errors(METHOD_NOT_FOUND, limit / 2, 'trickle:3100')],
      alerts: [
        { at: config.probing.for, alert: def.name, expect: [] },
        // a rate is only full-size once its window is full of samples: check after for + window
        { at: firesAt(config.probing.for, seconds(RATE_WINDOW)), alert: def.name, expect: [firing(def, config, 0, fx.kept('instance'),
          `${fx.scope.instance} (job ${fx.scope.job}) answers ${g4(limit * 2)} requests per second with -32601 method not found over ${RATE_WINDOW} (threshold ${limit}/s).`)] },
      ],
    }],
    reads: [],
  };
}
