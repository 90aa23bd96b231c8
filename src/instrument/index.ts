// mcp-observability instrumentation: one object that observes MCP server transports (stdio and
// Streamable HTTP), records the catalogue's metrics for a profile, writes structured logs and a
// tamper-evident audit trail, and serves /metrics, /health and /ready.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Registry, type RegistryContentType } from 'prom-client';
import { getProfile, LOG_EVENTS, OTEL_OPERATION_FAMILY, OVERFLOW_VALUE, type ProfileName } from '@mcp-observability/catalog';
import { isTaskOutcome, type TaskOutcome } from './agent-convention.js';
import { AuditTrail } from './audit.js';
import { checkpointSigner, loadChainKey } from './audit-chain.js';
import type { Recorder, TransportKind } from './events.js';
import { CatalogMetrics } from './families.js';
import { MetricsExposition } from './exposition.js';
import { createMetricsHandler, createRejectionMiddleware, listenMetrics, type MetricsServer, type Rejection } from './http.js';
import { ClientNames, codeLabel, RegisteredNames } from './labels.js';
import type { LineDestination } from './line-sink.js';
import { Logger, type LogLevel } from './logger.js';
import { otelRecorder } from './otel-recorder.js';
import { promClientRecorder } from './prom-client-recorder.js';
import { LimitedClients, RateLimiter, type RateLimitOptions, type ThrottleLimit } from './rate-limit.js';
import { Redactor } from './redact.js';
import { SelfCorrections } from './self-correction.js';
import { registerRuntimeMetrics } from './runtime-metrics.js';
import { SessionTracker } from './sessions.js';
import { ServerSpans } from './spans.js';
import { TaskTracker } from './tasks.js';
import { createTracing, type TracingOptions } from './tracing.js';
import { ToolDefinitionTracker, type ServedDefinitions } from './tool-definitions.js';
import { applyToolResultPolicy, type ToolResultLike } from './tool-results.js';
import { OpenCalls, type CallRef, type Filed } from './open-calls.js';
import { wrapTransport, type CallContext } from './transport.js';
import { AUDITED_CALL_LOGS, type AuditedCallLog } from './tool-call-record.js';
import { TapTransport, type MessageTap } from './tap.js';

export * from './agent-convention.js';
export { AUDITED_CALL_LOGS, type AuditedCallLog, type ToolCallRecord } from './tool-call-record.js';
export { AuditVerifier, verifyAuditText, type BadRecord, type VerifyOptions, type VerifyReport } from './audit-verify.js';
export { AUDIT_KEY_ENV, checkpointVerifier, loadChainKey, type ChainKey } from './audit-chain.js';
export { Redactor, REDACTION_DETECTORS } from './redact.js';
export type { CallContext } from './transport.js';
export type { CallRef } from './open-calls.js';
export type { LogLevel, LogFields, Logger } from './logger.js';
export { LOG_LEVELS } from './logger.js';
export type { LineDestination } from './line-sink.js';
export type { MetricsServer } from './http.js';
export type { MessageTap } from './tap.js';
export { formatTraceparent, parseTraceparent } from './trace.js';
export { RATE_LIMITED_CODE, type BucketLimit, type RateLimitOptions } from './rate-limit.js';
export { TASK_ID_ATTRIBUTE, TASK_TURN_ATTRIBUTE } from './spans.js';
export { createTracing, DEFAULT_OTLP_ENDPOINT, type Tracing, type TracingOptions } from './tracing.js';
export { canonicalJson, toolFingerprint, type ServedDefinitions, type ToolDefinition } from './tool-definitions.js';
export { OVERFLOW_VALUE } from '@mcp-observability/catalog';

export interface InstrumentationOptions {
  /** Metric profile (catalogue spelling): prom-client (default) or otel. */
  profile?: ProfileName;
  /**
   * Where registered tool/prompt names come from (label values for anything else are `_OTHER`):
   * an McpServer (read live, so tools registered later count) and/or an explicit list. Names in
   * the server's own tools/list and prompts/list results are learned as well.
   */
  server?: McpServer;
  tools?: readonly string[];
  prompts?: readonly string[];
  /** Resource URIs and URI templates (RFC 6570, e.g. `notes://{id}`) kept as `resource` label values; McpServer registries are read too. */
  resources?: readonly string[];
  /** Client names always kept as label values; beyond them the first `maxClientNames` seen are kept. */
  clientNames?: readonly string[];
  maxClientNames?: number;
  /** Seconds without a message after which a session counts as idle (mcp_idle_sessions). Default 300. */
  idleAfterSeconds?: number;
  /** Seconds without a message after which the reaper closes a session. Default 3600. */
  idleSessionLimitSeconds?: number;
  /**
   * Seconds after a failed tools/call within which a successful call of the same tool in the same
   * task (or session) counts as a self-correction (mcp_tool_self_corrections_total). Default 300.
   */
  selfCorrectionWindowSeconds?: number;
  /** Audit trail file (one MAC-chained JSON line per tool call); no audit when omitted. */
  auditFile?: string;
  /**
   * File holding the audit chain's HMAC-SHA-256 key (at least 16 bytes); else the environment variable
   * MCP_OBSERVABILITY_AUDIT_KEY; without either the chain is plain SHA-256 (shows accidental damage only).
   */
  auditKeyFile?: string;
  /**
   * Ed25519 private key (PEM file) signing the audit checkpoints written to `<auditFile>.checkpoints`;
   * without it checkpoints are MACed with the chain key, and without a key there are none.
   */
  auditSigningKeyFile?: string;
  /** How often a checkpoint is written: after this many records or seconds, whichever comes first. Default 1000 records, 60 s. */
  auditCheckpointEvery?: { records?: number; seconds?: number };
  /**
   * Hold each tools/call answer until its audit record is written and fdatasync'd (batched), so a
   * crash loses no answered call. Default false: records are written within 10 ms after the answer.
   */
  auditDurable?: boolean;
  /**
   * With an auditFile, which tools/call the log repeats: each call's one record is its audit line,
   * so by default the log gets only failed calls (at warning); 'all' writes every call's request
   * line as without an audit trail, 'none' leaves tools/call out of the log. Default 'failed'.
   * Without an auditFile every call's request line is written (subject to logLevel).
   */
  logAuditedCalls?: AuditedCallLog;
  /** Also redact IPv4 addresses in logs, audit records, spans and (with redactToolResults) results. Default false. */
  redactIpAddresses?: boolean;
  /** Log destination: 'stderr' (default; never stdout), { file }, or { stream }. */
  log?: LineDestination;
  logLevel?: LogLevel;
  /** Log lines per second before the rate limit drops (and counts) them. Default 1000. */
  maxLogLinesPerSecond?: number;
  /**
   * OpenTelemetry spans, one SERVER span per JSON-RPC request, exported over OTLP/HTTP. Off when
   * omitted (trace ids are still made for logs, audit and exemplars). `{}` uses
   * OTEL_EXPORTER_OTLP_ENDPOINT, else http://127.0.0.1:4318.
   */
  tracing?: TracingOptions;
  /**
   * tools/call result text beyond this many UTF-8 bytes is cut (with a marker line) and counted in
   * mcp_tool_responses_truncated_total. Default: no limit.
   */
  maxToolResponseBytes?: number;
  /**
   * Token buckets for tools/call, per client name and/or per (client name, tool); off when omitted.
   * A refused call is answered with JSON-RPC error -32000 (`data.retryAfterSeconds`) and counted in
   * mcp_throttled_requests_total; the handler never runs.
   */
  rateLimit?: RateLimitOptions;
  /** Redact secrets and personal data in tools/call results before they are sent (location="output"). Default false. */
  redactToolResults?: boolean;
  /**
   * Also run each request in an AsyncLocalStorage context (default false), so `reportTokens()` and
   * `currentCall()` work without the handler's `extra`. On Node 20/22 an entered ALS runs a hook for
   * every promise the process creates: ~10-18 µs per in-process SDK request measured, more over HTTP.
   */
  asyncContext?: boolean;
}

/** How often tool registries are re-read besides list-change announcements and scrapes. */
const TOOL_SCAN_INTERVAL_MS = 30_000;

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** Needed only outside a tool handler; inside one (with its `extra`) the call's tool is used. */
  tool?: string;
}

export interface TaskReport {
  outcome: TaskOutcome;
  /** Task id used in tools/call `_meta`; its counted turns are used when `turns` is omitted. */
  taskId?: string;
  turns?: number;
}

/** An SDK 1.x or 2.x McpServer (or low-level Server): anything with connect(transport). */
export interface ConnectableServer {
  connect(transport: never): Promise<void>;
}

/** Runs both releases (a server's names and its tool definitions) as one transport-close callback. */
const releaseBoth = (a: () => void, b: () => void) => () => { a(); b(); };

/** McpServer instances (either SDK major) keep their registry in these fields; a low-level Server has none. */
function isMcpServer(server: ConnectableServer): server is ConnectableServer & McpServer {
  return typeof (server as { _registeredTools?: unknown })._registeredTools === 'object';
}

export interface Instrumentation {
  readonly profile: ProfileName;
  /** Every family of the profile; Prometheus text by default (metricsHandler negotiates OpenMetrics). */
  readonly registry: Registry<RegistryContentType>;
  readonly logger: Logger;
  /** Undefined when no auditFile was given. */
  readonly audit: AuditTrail | undefined;
  /** Wraps a server transport; call before `server.connect(transport)`. Returns the same transport. */
  instrumentTransport<T extends Transport>(transport: T, options: { kind: TransportKind; server?: McpServer }): T;
  /**
   * Observes a server this process does not run (the wrap and proxy commands): one tap per stdio
   * connection or HTTP session, fed with every message both ways and its bytes on the wire.
   * Tool names and definitions come from the server's tools/list results. `onClose` runs once
   * when the tap closes, also when the idle reaper closes it.
   */
  tap(options: { kind: TransportKind; onClose?: () => void }): MessageTap;
  /**
   * Instruments every transport the server is connected to from now on, and returns the server.
   * For SDK 2.x serving entries, which build and connect servers themselves: wrap what the factory
   * returns, e.g. `createMcpHandler(() => obs.instrumentServer(build(), { kind: 'http' }))` or
   * `serveStdio(() => obs.instrumentServer(build(), { kind: 'stdio' }))`. Works for 1.x servers too.
   */
  instrumentServer<S extends ConnectableServer>(server: S, options: { kind: TransportKind }): S;
  /** Middleware for the MCP HTTP endpoint, before body parsing: counts requests rejected before the transport. */
  httpMiddleware(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  /** Reports a rejection your own HTTP code made (e.g. a router answering an unknown session). */
  httpRejection(reason: string, detail?: { code?: number; method?: string }): void;
  /** Serves /metrics, /health and /ready (404 otherwise). */
  metricsHandler(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * Serves metricsHandler on its own port, 127.0.0.1 by default (stdio servers). Port 0 picks a free one.
   * `beforeEach` runs before each request is answered (a tap fed in batches observes what has passed).
   */
  serveMetrics(options?: { port?: number; host?: string; beforeEach?: () => void }): Promise<MetricsServer>;
  /**
   * Reports LLM tokens and cost for a tool call. Inside a tool handler pass the handler's `extra`
   * (its last argument): the tokens then also land on the call's log line and audit entry.
   */
  reportTokens(usage: TokenUsage, call?: CallRef): void;
  /** Records a finished agent task. */
  recordTask(report: TaskReport): void;
  /**
   * Reports a call your own limiter refused (a gateway, an HTTP 429 you answered): counted in
   * mcp_throttled_requests_total{limit="external"} and mcp_rate_limited_clients. `client` is the
   * clientInfo name and `tool` the tool name, as the client sent them (both bounded to label values).
   */
  reportThrottle(detail: { client?: string; tool?: string }): void;
  /**
   * Reports an authentication failure (mcp_auth_failures_total{reason, client}). `client` is the
   * OAuth client id of a token whose signature verified (anything else is unattributable: omit it);
   * unknown ids beyond `clientNames` + `maxClientNames` become _OTHER. Pass the request you answer
   * so the HTTP middleware counts it once, with this reason.
   */
  authFailure(reason: string, detail?: { client?: string; req?: IncomingMessage }): void;
  /** Re-reads the tool registries now (definition fingerprints, changes, registered-tool count); also runs on list changes, scrapes and a timer. */
  checkToolDefinitions(): ServedDefinitions;
  /** The request a handler is serving, from the handler's `extra` (trace ids, tool, task); undefined once answered. */
  currentCall(call?: CallRef): CallContext | undefined;
  /** Runs the idle sweep now (idle gauge and reaper); it also runs on a timer. */
  sweepSessions(): void;
  /**
   * Sessions closing from now on end with reason server_shutdown: call it before your server
   * closes its transports on the way down (close() closes the rest with that reason too).
   */
  shuttingDown(): void;
  /** Flushes logs, audit and queued spans, closes open sessions, stops timers. */
  close(): Promise<void>;
}

export function createInstrumentation(options: InstrumentationOptions = {}): Instrumentation {
  const profileName = options.profile ?? 'prom-client';
  const profile = getProfile(profileName);
  // prom-client accepts exemplar-enabled metrics only on an OpenMetrics registry; the registry
  // is switched to Prometheus text once they exist; MetricsExposition writes either format per scrape.
  const registry: Registry<RegistryContentType> = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  // Exemplars (trace_id, span_id) go on the request-duration histogram of each profile.
  const exemplarFamily = profileName === 'otel' ? OTEL_OPERATION_FAMILY : 'mcp_tool_duration_seconds';
  const metrics = new CatalogMetrics(profile, registry, new Set([exemplarFamily]));
  const stopRuntime = registerRuntimeMetrics(profile, registry);
  registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
  const recorder: Recorder = profileName === 'otel' ? otelRecorder(metrics) : promClientRecorder(metrics);

  const redaction = { ipAddresses: options.redactIpAddresses };
  const redactor = new Redactor((detector) => recorder.redaction(detector, 'log'), redaction);
  const inputRedactor = new Redactor((detector) => recorder.redaction(detector, 'input'), redaction);
  const toolResultPolicy = {
    maxBytes: options.maxToolResponseBytes,
    redactor: options.redactToolResults ? new Redactor((detector) => recorder.redaction(detector, 'output'), redaction) : undefined,
  };
  const logger = new Logger({
    destination: options.log ?? 'stderr',
    level: options.logLevel ?? 'info',
    maxLinesPerSecond: options.maxLogLinesPerSecond ?? 1000,
  }, redactor);
  const audit = options.auditFile ? openAuditTrail(options.auditFile, options, inputRedactor, recorder, logger) : undefined;
  const logAuditedCalls = options.logAuditedCalls ?? 'failed';
  if (!AUDITED_CALL_LOGS.includes(logAuditedCalls)) throw new Error(`logAuditedCalls: expected ${AUDITED_CALL_LOGS.join(', ')}, got ${String(logAuditedCalls)}`);
  const logToolCalls: AuditedCallLog = audit ? logAuditedCalls : 'all';

  const names = new RegisteredNames();
  const definitions = new ToolDefinitionTracker(recorder, logger);
  if (options.server) {
    names.addServer(options.server);
    definitions.addServer(options.server);
  }
  const definitionTimer = setInterval(() => definitions.scan(), TOOL_SCAN_INTERVAL_MS);
  definitionTimer.unref();
  names.addTools(options.tools ?? []);
  names.addPrompts(options.prompts ?? []);
  names.addResources(options.resources ?? []);
  const clean = (name: string) => redactor.isClean(name);
  const clients = new ClientNames(options.clientNames ?? [], options.maxClientNames ?? 20, clean);
  // OAuth client ids are another namespace than clientInfo names: their own bounded set.
  const authClients = new ClientNames(options.clientNames ?? [], options.maxClientNames ?? 20, clean);
  /** Requests whose auth failure the server reported itself, with the reason (the middleware must not count them again). */
  const reportedAuth = new WeakMap<IncomingMessage, string>();
  const sessions = new SessionTracker({
    idleAfterSeconds: options.idleAfterSeconds ?? 300,
    reapAfterSeconds: options.idleSessionLimitSeconds ?? 3600,
  }, recorder, logger);
  const tasks = new TaskTracker(recorder, logger);
  const openCalls = new OpenCalls<CallContext & Filed>();
  const calls = options.asyncContext === true ? new AsyncLocalStorage<CallContext>() : undefined;
  const findCall = (ref: CallRef | undefined) => (ref ? openCalls.find(ref) : calls?.getStore());
  const tracing = options.tracing ? createTracing(options.tracing, 'mcp-server') : undefined;
  const spans = tracing ? new ServerSpans(tracing.tracer, (text) => redactor.redactString(text)) : undefined;
  const exposition = new MetricsExposition(registry);
  const corrections = new SelfCorrections((options.selfCorrectionWindowSeconds ?? 300) * 1000);
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
  const limited = new LimitedClients();
  const throttled = (clientName: string, tool: string, limit: ThrottleLimit) => {
    const now = Date.now();
    limited.refused(clientName, now);
    recorder.throttled(clientName, tool, limit);
    recorder.limitedClients(limited.count(now));
    logger.warning('tools/call refused by rate limit', { client: clientName, tool, limit });
  };
  const limitCall = limiter ? (clientName: string, tool: string) => {
    const refusal = limiter.take(clientName, tool, performance.now());
    if (refusal) throttled(clientName, tool, refusal.limit);
    return refusal;
  } : undefined;
  let transports = 0;
  let closed = false;

  const reportRejection = (rejection: Rejection, req?: IncomingMessage) => {
    const ownReason = req && reportedAuth.get(req);
    const r = ownReason ? { ...rejection, reason: ownReason, authFailure: false } : rejection;
    const code = r.code === undefined ? undefined : codeLabel(r.code);
    recorder.rejected(r.reason, code, r.method, r.seconds);
    if (r.authFailure) recorder.authFailure(r.reason, OVERFLOW_VALUE);
    if (r.method === 'initialize') recorder.handshake('http', false, '_OTHER', '');
    logger.warning(LOG_EVENTS.httpRejection, { status: r.status, error_code: code, error_type: r.reason, method: r.method });
  };

  const metricsHandler = createMetricsHandler(exposition,
    // Ready from creation until close(): an HTTP server takes its first session only after its
    // probe says ready, so waiting for a transport would keep it out of rotation forever.
    () => ({ ready: !closed, detail: { transports, open_sessions: sessions.size, closed } }),
    () => {
      sessions.sweep();
      definitions.scan();
      recorder.limitedClients(limited.count(Date.now()));
    });

  const api: Instrumentation = {
    profile: profileName,
    registry,
    logger,
    audit,
    instrumentServer(server, { kind }) {
      const connect = server.connect.bind(server) as (transport: Transport) => Promise<void>;
      const registered = isMcpServer(server) ? server : undefined;
      (server as unknown as { connect: (transport: Transport) => Promise<void> }).connect = (transport) =>
        connect(api.instrumentTransport(transport, { kind, server: registered }));
      return server;
    },
    instrumentTransport(transport, { kind, server }) {
      // The server's names and definitions stop counting when its transport closes (a session ends; SDK 2.x: a request is answered).
      const release = server ? releaseBoth(names.addServer(server), definitions.addServer(server)) : undefined;
      transports++;
      return wrapTransport(transport, kind, {
        recorder, names, clients, logger, audit, logToolCalls, sessions, tasks, openCalls, calls, spans, closed: release, limitCall, corrections,
        toolResult: (tool: string, result: ToolResultLike) => {
          const { bytes, truncated } = applyToolResultPolicy(result, toolResultPolicy);
          recorder.toolResponse(tool, bytes, truncated);
        },
      });
    },
    tap({ kind, onClose }) {
      const tap = new TapTransport(onClose);
      // The list a session last sent stands for what it serves until the session closes.
      const source = {};
      transports++;
      const wrapped = wrapTransport(tap, kind, {
        recorder, names, clients, logger, audit, logToolCalls, sessions, tasks, openCalls, calls: undefined, spans, corrections,
        closed: () => definitions.forget(source),
        toolsListed: (tools) => definitions.observeList(source, tools),
        // A tap cannot change what was sent: results are measured, never truncated or redacted.
        toolResult: (tool, result) => recorder.toolResponse(tool, applyToolResultPolicy(result as ToolResultLike, {}).bytes, false),
      });
      void wrapped.start();
      return wrapped;
    },
    httpMiddleware: createRejectionMiddleware(reportRejection),
    httpRejection(reason, detail = {}) {
      reportRejection({ reason, status: 0, code: detail.code, method: detail.method ?? '_OTHER', seconds: 0, authFailure: false });
    },
    metricsHandler,
    serveMetrics({ port = 0, host = '127.0.0.1', beforeEach } = {}) {
      return listenMetrics(beforeEach ? (req, res) => { beforeEach(); return metricsHandler(req, res); } : metricsHandler, port, host);
    },
    reportTokens({ inputTokens = 0, outputTokens = 0, costUsd = 0, tool }, ref) {
      const call = findCall(ref);
      if (call && call.method === 'tools/call') {
        const t = (call.tokens ??= { input: 0, output: 0, costUsd: 0 });
        t.input += inputTokens;
        t.output += outputTokens;
        t.costUsd += costUsd;
        return;
      }
      if (tool === undefined) {
        throw new Error(ref
          ? `reportTokens: request ${String(ref.requestId)} is not an open tools/call (already answered, or ambiguous between session-less transports): pass \`tool\``
          : 'reportTokens: pass the tool handler\'s `extra` (its last argument) or `tool`');
      }
      recorder.tokens(names.toolLabel(tool), inputTokens, outputTokens, costUsd);
    },
    recordTask({ outcome, taskId, turns }) {
      if (!isTaskOutcome(outcome)) throw new Error(`recordTask: outcome must be success, failure or abandoned (got ${String(outcome)})`);
      tasks.record(outcome, taskId, turns);
    },
    reportThrottle({ client, tool }) {
      throttled(clients.label(client), names.toolLabel(tool), 'external');
    },
    authFailure(reason, { client, req } = {}) {
      recorder.authFailure(reason, authClients.label(client));
      if (req) reportedAuth.set(req, reason);
    },
    checkToolDefinitions() {
      definitions.scan();
      return definitions.current();
    },
    currentCall: findCall,
    sweepSessions: () => sessions.sweep(),
    shuttingDown() {
      sessions.shuttingDown = true;
    },
    async close() {
      closed = true;
      clearInterval(definitionTimer);
      await sessions.closeAll();
      await tracing?.shutdown();
      stopRuntime();
      logger.close();
      await audit?.close();
    },
  };
  return api;
}

function openAuditTrail(file: string, options: InstrumentationOptions, redactor: Redactor, recorder: Recorder, logger: Logger): AuditTrail {
  const key = loadChainKey(options.auditKeyFile);
  const signingKey = options.auditSigningKeyFile === undefined ? undefined : readFileSync(options.auditSigningKeyFile, 'utf8');
  const signer = checkpointSigner(signingKey, key);
  return new AuditTrail({
    file, key, durable: options.auditDurable,
    redact: (v) => redactor.redact(v), redactString: (s) => redactor.redactString(s), onWrite: (o) => recorder.auditRecord(o),
    checkpoints: signer && { file: `${file}.checkpoints`, signer,
      everyRecords: options.auditCheckpointEvery?.records ?? 1000, everySeconds: options.auditCheckpointEvery?.seconds ?? 60 },
    onError: (err) => logger.error('audit trail write failed', { error: err.message }),
  });
}
