// Security alerts: probing (-32601 bursts per instance, unknown tool names per client),
// authentication-failure bursts, tool definitions that change at run time (tool poisoning, rug
// pulls), too many registered tools, unexpected redaction volumes (a tool leaking secrets), and a
// client refused by a rate limit for long.
import { LOG_EVENTS, type Role, type SignalId } from '@mcp-observability/catalog';
import { grouping, increase, sumBy } from '../../promql/index.js';
import { alertingRules, firing } from '../alert.js';
import type { RuleContext } from '../context.js';
import { formatDuration, seconds } from '../duration.js';
import { RATE_WINDOW } from '../recorded.js';
import { counter, Fixtures, gauge, phasedCounter, TEST_STEPS } from '../tests/fixtures.js';
import { g4 } from '../tests/humanize.js';
import type { AlertDef, AreaRules, InputSeries, TestCase } from '../types.js';
import { firesAt } from './guards.js';

export const METHOD_NOT_FOUND = '-32601';

/** A per-second rate alert: its definition, and how to feed and describe one series of it in a test. */
interface RateAlert {
  def: AlertDef;
  limit: number;
  hold: string;
  /** One input series at `perSecond`, with its distinguishing labels (`variant` picks which series). */
  series(perSecond: number, variant: 'fires' | 'quiet' | 'other'): InputSeries;
  /** Labels the firing alert carries besides the instance-level ones. */
  labels: Record<string, string>;
  description(perSecond: number): string;
}

/**
 * A rate at twice the threshold (at least 1/s, so `humanize` prints it as %.4g does) fires after
 * `for` plus the rate window; half the threshold, and the `other` series, stay silent.
 */
function rateCase(fx: Fixtures, a: RateAlert, name: string): TestCase {
  const fire = Math.max(a.limit * 2, 1);
  return {
    name,
    interval: '1m',
    series: [a.series(fire, 'fires'), a.series(a.limit / 2, 'quiet'), a.series(fire * 2, 'other')],
    alerts: [
      { at: a.hold, alert: a.def.name, expect: [] },
      // a rate is only full-size once its window is full of samples: check after for + window
      { at: firesAt(a.hold, seconds(RATE_WINDOW)), alert: a.def.name,
        expect: [firing(a.def, fx.ctx.config, 0, fx.kept('instance', a.labels), a.description(fire))] },
    ],
  };
}

const perStep = (perSecond: number): number => perSecond * 60;

function methodNotFound(ctx: RuleContext, fx: Fixtures): RateAlert {
  const { config } = ctx;
  const q = ctx.instance;
  const limit = config.probing.methodNotFoundPerSecond;
  const def: AlertDef = {
    name: 'McpMethodNotFoundSpike',
    summary: 'A burst of JSON-RPC "method not found" errors: a client may be probing the server.',
    description: `{{ $labels.instance }} (job {{ $labels.job }}) answers {{ $value | humanize }} requests per second with -32601 method not found over ${RATE_WINDOW} (threshold ${limit}/s).`,
    doc: {
      meaning: `More than ${limit} requests per second on one process asked for JSON-RPC methods the server does not implement, for ${config.probing.for}.`,
      impact: 'Usually a scanner or a misconfigured client enumerating methods; it costs little by itself but often precedes attempts on real methods.',
      diagnosis: ['Security dashboard: -32601 rate per instance and unknown requests per client, rejected requests and auth failures around the same time.',
        'Audit trail and access logs: which client, address or session sends them.', 'A freshly upgraded client using a newer protocol method is the benign case.'],
      mitigation: ['Block or rate-limit the source at the proxy.', 'Require authentication on the HTTP transport.', 'If a legitimate client needs the method, implement or upgrade.'],
    },
    variants: [{
      expr: `${q.rate('jsonrpcErrors', ctx.timing.window(RATE_WINDOW), { where: { code: METHOD_NOT_FOUND } })} > ${limit}`,
      for: ctx.timing.hold(config.probing.for), severity: 'warning',
    }],
  };
  const instances = { fires: fx.scope.instance as string, quiet: 'trickle:3100', other: 'other-code:3100' };
  return {
    def, limit, hold: config.probing.for, labels: {},
    series: (perSecond, variant) => fx.series('jsonrpcErrors', { code: variant === 'other' ? '-32602' : METHOD_NOT_FOUND, method: 'tools/probe' },
      counter(perStep(perSecond)), { extra: { instance: instances[variant] } }),
    description: (v) => `${fx.scope.instance} (job ${fx.scope.job}) answers ${g4(v)} requests per second with -32601 method not found over ${RATE_WINDOW} (threshold ${limit}/s).`,
  };
}

function unknownToolProbing(ctx: RuleContext, fx: Fixtures): RateAlert {
  const { config } = ctx;
  const q = ctx.instance;
  const limit = config.probing.unknownToolsPerSecond;
  const client = q.label('unknownRequests', 'clientName');
  const def: AlertDef = {
    name: 'McpUnknownToolProbing',
    summary: 'One client calls many tool names the server does not have: it may be probing for tools.',
    description: `Client {{ $labels.${client} }} calls {{ $value | humanize }} unknown tool names per second on {{ $labels.instance }} (job {{ $labels.job }}) over ${RATE_WINDOW} (threshold ${limit}/s).`,
    doc: {
      meaning: `One client (by its initialize clientInfo name, bounded: unknown names beyond the known set are _OTHER) called more than ${limit} unknown tool names per second for ${config.probing.for}. Honest hallucinations are rarer and spread over clients; this is the per-client security signal, separate from the hallucination-ratio alert.`,
      impact: 'A client enumerating tool names looks for hidden, disabled or admin tools; it may follow with calls to real tools with crafted arguments.',
      diagnosis: ['Security dashboard: unknown tool names per client, and -32601 per client (a scanner usually does both).',
        'Audit trail: the tool names actually sent (labels collapse them) and the session, subject and client id behind them.',
        'A client on an old tool list after a rename is the benign case: its names match former tools.'],
      mitigation: ['Revoke or rate-limit the client\'s credentials; block its address at the proxy.', 'If it is a stale client, point it at the current tools/list.'],
    },
    variants: [{
      expr: `${q.rate('unknownRequests', ctx.timing.window(RATE_WINDOW), { by: ['clientName'], where: { kind: 'tool' } })} > ${limit}`,
      for: ctx.timing.hold(config.probing.for), severity: 'warning',
    }],
  };
  const clients = { fires: 'scanner', quiet: 'honest-agent', other: 'method-walker' };
  return {
    def, limit, hold: config.probing.for, labels: { [client]: clients.fires },
    series: (perSecond, variant) => fx.series('unknownRequests', { clientName: clients[variant], kind: variant === 'other' ? 'method' : 'tool' },
      counter(perStep(perSecond))),
    description: (v) => `Client ${clients.fires} calls ${g4(v)} unknown tool names per second on ${fx.scope.instance} (job ${fx.scope.job}) over ${RATE_WINDOW} (threshold ${limit}/s).`,
  };
}

function authFailuresBurst(ctx: RuleContext, fx: Fixtures): RateAlert {
  const { config } = ctx;
  const q = ctx.instance;
  const limit = config.authFailures.perSecond;
  const def: AlertDef = {
    name: 'McpAuthFailuresBurst',
    summary: 'A burst of failed authentications on an MCP server.',
    description: `{{ $labels.instance }} (job {{ $labels.job }}) rejects {{ $value | humanize }} authentication attempts per second over ${RATE_WINDOW} (threshold ${limit}/s).`,
    doc: {
      meaning: `More than ${limit} requests per second on one process were rejected by the bearer-token check (missing, malformed, bad signature, expired, wrong issuer or audience, insufficient scope), for ${config.authFailures.for}.`,
      impact: 'Either a client lost access (expired or rotated credentials: its agents fail every call) or someone is guessing or replaying tokens.',
      diagnosis: ['Security dashboard: auth failures by reason and by client. One client with expired tokens is a broken refresh; bad_signature or malformed from _OTHER is forged or garbage tokens.',
        'wrong_audience: a token minted for another resource server is being replayed here (token passthrough).',
        `Logs: "${LOG_EVENTS.httpRejection}" lines carry the reason (never the token).`],
      mitigation: ['Fix the client\'s token refresh or rotate its credentials.', 'Rate-limit or block the source at the proxy.',
        'If the signing key or issuer changed, update the server\'s JWT configuration.'],
    },
    variants: [{
      expr: `${q.rate('authFailures', ctx.timing.window(RATE_WINDOW))} > ${limit}`,
      for: ctx.timing.hold(config.authFailures.for), severity: 'warning',
    }],
  };
  const instances = { fires: fx.scope.instance as string, quiet: 'trickle:3100', other: 'other-job-free:3100' };
  return {
    def, limit, hold: config.authFailures.for, labels: {},
    series: (perSecond, variant) => fx.series('authFailures', { reason: 'bad_signature', clientName: '_OTHER' },
      counter(perStep(perSecond)), { extra: { instance: instances[variant], ...(variant === 'other' ? { job: 'not-mcp' } : {}) } }),
    description: (v) => `${fx.scope.instance} (job ${fx.scope.job}) rejects ${g4(v)} authentication attempts per second over ${RATE_WINDOW} (threshold ${limit}/s).`,
  };
}

function redactionsSpike(ctx: RuleContext, fx: Fixtures): RateAlert {
  const { config } = ctx;
  const q = ctx.instance;
  const limit = config.redactions.perSecond;
  const [detector, location] = [q.label('redactions', 'detector'), q.label('redactions', 'location')];
  const def: AlertDef = {
    name: 'McpRedactionsSpike',
    summary: 'Unexpectedly many secrets or personal data were redacted on an MCP server.',
    description: `{{ $labels.instance }} (job {{ $labels.job }}) redacts {{ $value | humanize }} {{ $labels.${detector} }} values per second in {{ $labels.${location} }} over ${RATE_WINDOW} (threshold ${limit}/s).`,
    doc: {
      meaning: `More than ${limit} values per second of one detector (API key, bearer token, JWT, e-mail, card number, sensitive key) were redacted in one location (input: tool arguments in the audit trail; output: tool results sent to clients; log: log lines), for ${config.redactions.for}.`,
      impact: 'output: a tool is returning secrets or personal data (redacted, but the source leaks). input: agents pass secrets into tools. log: something logs credentials.',
      diagnosis: ['Security dashboard: redactions by detector and location, next to calls per tool in the same period.',
        'Audit trail (input) or logs around the time: the [REDACTED:<detector>] markers show which tool and field.'],
      mitigation: ['Fix the tool or data source that returns the values; rotate any credential that may have leaked before redaction was in place.',
        'If the volume is expected (e.g. a CRM tool that handles e-mail addresses), raise redactions.perSecond in the config.'],
    },
    variants: [{
      expr: `${q.rate('redactions', ctx.timing.window(RATE_WINDOW), { by: ['detector', 'location'] })} > ${limit}`,
      for: ctx.timing.hold(config.redactions.for), severity: 'warning',
    }],
  };
  const kinds = { fires: ['api_key', 'output'], quiet: ['email', 'input'], other: ['email', 'log'] } as const;
  return {
    def, limit, hold: config.redactions.for, labels: { [detector]: 'api_key', [location]: 'output' },
    series: (perSecond, variant) => fx.series('redactions', { detector: kinds[variant][0], location: kinds[variant][1] },
      counter(perStep(variant === 'other' ? limit / 3 : perSecond))),
    description: (v) => `${fx.scope.instance} (job ${fx.scope.job}) redacts ${g4(v)} api_key values per second in output over ${RATE_WINDOW} (threshold ${limit}/s).`,
  };
}

/** Fires for every tool whose definition changed at run time, for `window` after the change. */
function definitionChanged(ctx: RuleContext, fx: Fixtures): { def: AlertDef; test: TestCase } {
  const { config } = ctx;
  const q = ctx.instance;
  const window = ctx.timing.window(config.toolDefinitionChanges.window);
  const roles: Role[] = ['tool', 'change'];
  const id: SignalId = 'toolDefinitionChanges';
  const sel = q.select(id);
  const by = grouping(q.keep, q.labels(id, roles));
  const [tool, change] = q.labels(id, roles) as [string, string];
  const def: AlertDef = {
    name: 'McpToolDefinitionChanged',
    summary: 'A tool definition changed, appeared or disappeared while the server was running.',
    description: `Tool {{ $labels.${tool} }} on {{ $labels.instance }} (job {{ $labels.job }}) was {{ $labels.${change} }} at run time (within the last ${config.toolDefinitionChanges.window}).`,
    doc: {
      meaning: `The instrumentation fingerprints every tool definition the server serves (name, title, description, input and output schema, annotations) and saw one change, a new tool appear or a tool disappear after its first observation. The alert fires at once and stays for ${config.toolDefinitionChanges.window}.`,
      impact: 'Agents select and call tools from these definitions: a changed description can carry instructions to the model (tool poisoning), and a tool that changes after users approved it is a rug pull. A deploy that restarts the process sets a new baseline and does not fire.',
      diagnosis: ['Security dashboard: tool definition changes and the fingerprint table (which fingerprints each tool had, and when).',
        `Server logs: "${LOG_EVENTS.toolDefinitionDrift}" lines name the tool, the change and the old and new fingerprints.`,
        'Compare the live tools/list with the definition in version control: `npx @modelcontextprotocol/inspector` or a client\'s tools/list.'],
      mitigation: ['If nobody announced it, treat it as a compromise: take the server out of rotation and restore the definitions from a known-good build.',
        'If it was intended (hot reload, feature flag), announce such changes and silence the alert for the rollout.'],
    },
    variants: [{
      // increase() sees changes of counters that existed at 0; `unless offset` sees a counter born at 1 (a tool added).
      expr: `${sumBy(by, increase(sel, window))} > 0\nor\n${sumBy(by, `${sel} unless ${sel} offset ${window}`)} > 0`,
      for: '0s', severity: 'critical',
    }],
  };
  const w = seconds(config.toolDefinitionChanges.window) / 60;
  const modifiedAt = 10;
  const addedAt = 20;
  const steps = addedAt + w + 15;
  const after = (m: number) => formatDuration((m + 1) * 60);
  const firingFor = (t: string, c: string) => firing(def, config, 0, fx.kept('instance', { [tool]: t, [change]: c }),
    `Tool ${t} on ${fx.scope.instance} (job ${fx.scope.job}) was ${c} at run time (within the last ${config.toolDefinitionChanges.window}).`);
  const test: TestCase = {
    name: 'a modified tool and a tool added later fire for the window; unchanged tools stay silent',
    interval: '1m',
    series: [
      fx.series(id, { tool: 'search_docs', change: 'modified' }, `0x${modifiedAt - 1} 1x${steps - modifiedAt}`),
      fx.series(id, { tool: 'search_docs', change: 'removed' }, `0x${steps}`),
      fx.series(id, { tool: 'query_db', change: 'modified' }, `0x${steps}`),
      fx.series(id, { tool: 'exfiltrate', change: 'added' }, `_x${addedAt} 1x${steps - addedAt}`),
    ],
    alerts: [
      { at: after(modifiedAt - 2), alert: def.name, expect: [] },
      { at: after(modifiedAt), alert: def.name, expect: [firingFor('search_docs', 'modified')] },
      { at: after(addedAt), alert: def.name, expect: [firingFor('search_docs', 'modified'), firingFor('exfiltrate', 'added')] },
      { at: after(modifiedAt + w + 2), alert: def.name, expect: [firingFor('exfiltrate', 'added')] },
      { at: after(addedAt + w + 2), alert: def.name, expect: [] },
    ],
  };
  return { def, test };
}

function tooManyTools(ctx: RuleContext, fx: Fixtures): { def: AlertDef; test: TestCase } {
  const { config } = ctx;
  const { max, for: hold } = config.registeredTools;
  const def: AlertDef = {
    name: 'McpTooManyTools',
    summary: 'An MCP server offers more tools than models select from reliably.',
    description: `{{ $labels.instance }} (job {{ $labels.job }}) offers {{ $value }} tools in tools/list (threshold ${max}).`,
    doc: {
      meaning: `The server has offered more than ${max} tools for ${hold}. Tool-selection accuracy of models drops as the list grows, and every definition costs context-window tokens on every turn.`,
      impact: 'Agents pick wrong tools more often (hallucinations, validation errors) and spend tokens on definitions they never use.',
      diagnosis: ['Security dashboard: registered tools over time; a jump without a deploy is also a tool-definition change.',
        'Quality dashboard: hallucination and validation-error ratios since the count grew.'],
      mitigation: ['Split the server by task, or expose fewer tools per client.', 'Merge near-duplicate tools; remove unused ones (calls per tool on the Overview dashboard).',
        'If the model copes, raise registeredTools.max in the config.'],
    },
    variants: [{ expr: `${ctx.instance.gauge('registeredTools', 'max')} > ${max}`, for: ctx.timing.hold(hold), severity: 'warning' }],
  };
  const test: TestCase = {
    name: `more than ${max} tools fires after ${hold}; ${max} stays silent`,
    interval: '1m',
    series: [
      fx.series('registeredTools', {}, gauge(max + 4)),
      fx.series('registeredTools', {}, gauge(max), { extra: { instance: 'lean:3100' } }),
    ],
    alerts: [
      { at: formatDuration(seconds(hold) - 60), alert: def.name, expect: [] },
      { at: firesAt(hold, 0), alert: def.name, expect: [firing(def, config, 0, fx.kept('instance'),
        `${fx.scope.instance} (job ${fx.scope.job}) offers ${max + 4} tools in tools/list (threshold ${max}).`)] },
    ],
  };
  return { def, test };
}

function clientRateLimited(ctx: RuleContext, fx: Fixtures): { def: AlertDef; test: TestCase } {
  const { config } = ctx;
  const q = ctx.instance;
  const { perSecond: limit, for: hold } = config.rateLimited;
  const client = q.label('throttledRequests', 'clientName');
  const def: AlertDef = {
    name: 'McpClientRateLimited',
    summary: 'A client has been refused by a rate limit for a long time.',
    description: `Client {{ $labels.${client} }} has {{ $value | humanize }} tools/call requests per second refused by a rate limit on {{ $labels.instance }} (job {{ $labels.job }}) over ${RATE_WINDOW} (threshold ${limit}/s).`,
    doc: {
      meaning: `One client (by its clientInfo name, bounded) had more than ${limit} tools/call requests per second refused by a rate limit (the library's token buckets or the server's own limiter, reported through reportThrottle) for ${hold}. ` +
        `Short bursts of refusals are the limit doing its job; ${hold} of them is either a client that ignores the retry-after (abuse, a runaway agent loop) or a limit sized below what the client legitimately needs. ` +
        'The default threshold, 0.05/s (3 refusals a minute), ignores the odd refused call while catching any steady refusal.',
      impact: 'The client\'s agents fail tool calls and retry, wasting turns and tokens; if the client is abusive, the limit is holding it back but it is still spending server capacity on refusals.',
      diagnosis: ['Security dashboard, Rate limiting row: throttled calls by client and tool, and the number of clients limited now.',
        'Quality dashboard (client variable): the client\'s session ends and reconnections; an agent loop often reconnects too.',
        'Logs: "tools/call refused by rate limit" lines carry the client, tool and which limit refused (client, tool, external).'],
      mitigation: ['Abusive or runaway client: revoke its credentials or block it at the proxy; tell its owner.',
        'Legitimate load: raise the client\'s bucket (rateLimit.perClient / perTool in the instrumentation options, or the limiter that reports through the hook).',
        'If refusals are expected for this client, raise rateLimited.perSecond or rateLimited.for in the config.'],
    },
    variants: [{ expr: `${q.rate('throttledRequests', ctx.timing.window(RATE_WINDOW), { by: ['clientName'] })} > ${limit}`,
      for: ctx.timing.hold(hold), severity: 'warning' }],
  };
  const fire = Math.max(limit * 2, 1);
  const burstSteps = Math.floor(seconds(hold) / 60 / 2);
  const refused = (name: string, values: string) => fx.series('throttledRequests', { clientName: name, tool: 'search_docs', kind: 'client' }, values);
  const test: TestCase = {
    name: `a client refused at ${fire}/s for ${hold} fires; a trickle, and a short burst of refusals, stay silent`,
    interval: '1m',
    series: [
      refused('greedy-agent', counter(perStep(fire))),
      refused('steady-agent', counter(perStep(limit / 2))),
      // Refused at twice the firing rate, but only for half of `for`: the limit doing its job.
      refused('bursty-agent', phasedCounter([perStep(fire * 2), 0], [burstSteps, TEST_STEPS - burstSteps])),
    ],
    alerts: [
      { at: hold, alert: def.name, expect: [] },
      { at: firesAt(hold, seconds(RATE_WINDOW)), alert: def.name,
        expect: [firing(def, config, 0, fx.kept('instance', { [client]: 'greedy-agent' }),
          `Client greedy-agent has ${g4(fire)} tools/call requests per second refused by a rate limit on ${fx.scope.instance} (job ${fx.scope.job}) over ${RATE_WINDOW} (threshold ${limit}/s).`)] },
    ],
  };
  return { def, test };
}

export function securityArea(ctx: RuleContext): AreaRules | undefined {
  const q = ctx.instance;
  const fx = new Fixtures(ctx);
  const rates: [RateAlert, string][] = [];
  if (q.has('jsonrpcErrors')) rates.push([methodNotFound(ctx, fx), '-32601 above the threshold fires; other codes and a trickle stay silent']);
  if (q.has('unknownRequests')) rates.push([unknownToolProbing(ctx, fx), 'one client over the unknown-tool threshold fires; an honest client and unknown methods stay silent']);
  if (q.has('authFailures')) rates.push([authFailuresBurst(ctx, fx), 'auth failures above the threshold fire; a trickle and another job stay silent']);
  if (q.has('redactions')) rates.push([redactionsSpike(ctx, fx), 'api_key redactions in output above the threshold fire; e-mails in input and logs below it stay silent']);
  const others = [
    ...(q.has('toolDefinitionChanges') ? [definitionChanged(ctx, fx)] : []),
    ...(q.has('registeredTools') ? [tooManyTools(ctx, fx)] : []),
    ...(q.has('throttledRequests') ? [clientRateLimited(ctx, fx)] : []),
  ];
  const alerts = [...rates.map(([a]) => a.def), ...others.map((o) => o.def)];
  if (!alerts.length) return undefined;
  return {
    area: 'security',
    groups: [{ name: 'mcp-security-alerts', rules: alerts.flatMap((a) => alertingRules(a, ctx.config)) }],
    alerts,
    tests: [...rates.map(([a, name]) => rateCase(fx, a, name)), ...others.map((o) => o.test)],
    reads: [],
  };
}
