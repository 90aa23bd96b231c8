// The transport wrapper: observes every JSON-RPC message a server transport receives (onmessage)
// and sends (send), plus close and error, for stdio and Streamable HTTP alike. send() is wrapped
// at once; the inbound handlers are wrapped when Protocol.connect() calls transport.start(), i.e.
// after the SDK installed its own, so our observer runs first and the SDK's handling runs inside
// the call's AsyncLocalStorage context (tool handlers can report tokens without passing ids).
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LOG_EVENTS, OVERFLOW_VALUE } from '@mcp-observability/catalog';
import { readTaskMeta, TASK_NOTIFICATION_METHOD, type TaskMeta } from './agent-convention.js';
import type { AuditTrail } from './audit.js';
import type { MessageType, OperationEvent, Recorder, ResourceReadStatus, SessionEndReason, ToolErrorType, TransportKind } from './events.js';
import { codeLabel, methodLabel, protocolVersionLabel, type ClientNames, type RegisteredNames } from './labels.js';
import { DISCOVER_METHOD, INITIALIZE_METHOD, readEnvelope } from './protocol-era.js';
import type { Logger } from './logger.js';
import type { SessionHandle, SessionTracker } from './sessions.js';
import type { Filed, OpenCalls } from './open-calls.js';
import type { TaskTracker } from './tasks.js';
import type { ServerSpans } from './spans.js';
import { serverSpan, type TraceContext } from './trace.js';
import { MessageSizes, type InboundRequestInfo } from './wire-size.js';
import { PASSED_AT } from './tap.js';
import { RATE_LIMITED_CODE, type Refusal } from './rate-limit.js';
import type { SelfCorrections } from './self-correction.js';
import type { AuditedCallLog, ToolCallRecord } from './tool-call-record.js';
import type { Span } from '@opentelemetry/api';

/** One request between receipt and response: what tool handlers can see via `currentCall()`. */
export interface CallContext {
  readonly method: string;
  /** Bounded tool label (OVERFLOW_VALUE for unregistered names). */
  readonly tool?: string;
  readonly trace: TraceContext;
  readonly sessionId?: string;
  readonly task?: TaskMeta;
  tokens?: { input: number; output: number; costUsd: number };
}

interface Pending extends CallContext {
  readonly requestId: string | number;
  /** What Streamable HTTP passed with the request (one object per POST): tells stateless transports' calls apart. */
  readonly requestInfo?: unknown;
  readonly rawMethod: string;
  /** Bounded protocol version of this request: its own _meta's (2026-07-28), else what the connection negotiated. */
  readonly protocolVersion: string;
  readonly rawTool?: string;
  readonly prompt?: string;
  /** Bounded resource label, for resources/read. */
  readonly resource?: string;
  readonly start: number;
  readonly args: unknown;
  /** Who the HTTP layer authenticated (authInfo from the bearer check), for audit and log lines. */
  readonly subject?: string;
  readonly clientId?: string;
  /** The request's OpenTelemetry span, when tracing is on. */
  readonly span?: Span;
  /** A tools/list request asking for a later page: its result is not the whole list. */
  readonly laterPage?: boolean;
}

export interface WrapperDeps {
  recorder: Recorder;
  names: RegisteredNames;
  clients: ClientNames;
  logger: Logger;
  audit?: AuditTrail;
  /** Which tools/call get a request log line: 'all' without an audit trail; with one, logAuditedCalls. */
  logToolCalls: AuditedCallLog;
  sessions: SessionTracker;
  tasks: TaskTracker;
  /** Where tool handlers find their call from their `extra` (session id, request id). */
  openCalls: OpenCalls<CallContext & Filed>;
  /** Present only when the asyncContext option is on. */
  calls?: AsyncLocalStorage<CallContext>;
  /** Set only when tracing is on; otherwise ids come from serverSpan() and no span is made. */
  spans?: ServerSpans;
  /** Measures (and, by policy, redacts or truncates) a tools/call result before it is sent. */
  toolResult(tool: string, result: Record<string, unknown>): void;
  /** Runs once when the transport closes (releases the session's server from the name registry). */
  closed?: () => void;
  /** Failed calls waiting for a successful call of the same tool (self-correction). */
  corrections: SelfCorrections;
  /** Set when the rate limiter is on: takes a token for a tools/call, or says why not (the refusal is recorded). */
  limitCall?: (clientName: string, tool: string) => Refusal | undefined;
  /** Set for taps (servers seen from outside): each complete tools/list result, for tool-definition drift. */
  toolsListed?: (tools: readonly unknown[]) => void;
}

type MessageExtra = {
  authInfo?: { clientId?: string; extra?: Record<string, unknown> };
  /** SDK 1.x HTTP: the request's headers. */
  requestInfo?: InboundRequestInfo;
  /** SDK 2.x HTTP: the web Request. */
  request?: { headers?: { get(name: string): string | null } };
};

/**
 * The MCP-Protocol-Version header a 2025-era HTTP client sends on every request after initialize:
 * the only version a stateless transport (which never sees that initialize) can know.
 */
function headerVersion(extra: MessageExtra | undefined): string | undefined {
  const v1 = extra?.requestInfo?.headers?.['mcp-protocol-version'];
  const value = typeof v1 === 'string' ? v1 : extra?.request?.headers?.get('mcp-protocol-version') ?? undefined;
  return value === undefined ? undefined : protocolVersionLabel(value);
}

const clip = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 256) : undefined);
type AnyMessage = JSONRPCMessage & { method?: string; id?: string | number; params?: Record<string, unknown>;
  result?: Record<string, unknown>; error?: { code: number; message: string } };

const METHOD_NOT_FOUND = '-32601';
/** What onInbound returns for a request the rate limiter refused (answered already, not passed on). */
const THROTTLED = Symbol('throttled');
/** A close this soon after a transport error is that error's consequence (reason transport_error). */
const ERROR_BEFORE_CLOSE_MS = 1_000;
// SDK 1.x prefixes these isError texts with "MCP error -32602: "; 2.x does not (and answers an unknown tool with a JSON-RPC error).
const UNKNOWN_TOOL_TEXT = /^(MCP error -32602: )?Tool \S+ (not found|disabled)/;
const INVALID_ARGS_TEXT = /^(MCP error -32602: )?(Input validation error|Invalid arguments)/;

function firstText(result: Record<string, unknown> | undefined): string {
  const content = result?.content;
  if (!Array.isArray(content)) return '';
  const first = content[0] as { type?: string; text?: unknown } | undefined;
  return first?.type === 'text' && typeof first.text === 'string' ? first.text : '';
}

/**
 * Classifies a failed tools/call. The SDK answers schema-invalid arguments (and 1.x unknown tools)
 * with an isError result whose text says so (not a JSON-RPC error), so the text decides; a JSON-RPC -32602 (what the spec asks for) is split by whether the name is registered.
 */
function classifyToolFailure(msg: AnyMessage, toolKnown: boolean): ToolErrorType | undefined {
  if (msg.error) {
    if (msg.error.code === -32602) return toolKnown ? 'invalid_params' : 'unknown_tool';
    return 'internal_error';
  }
  if (msg.result?.isError !== true) return undefined;
  const text = firstText(msg.result);
  if (UNKNOWN_TOOL_TEXT.test(text) || !toolKnown) return 'unknown_tool';
  if (INVALID_ARGS_TEXT.test(text)) return 'invalid_params';
  return 'tool_error';
}

/** The request has a span, or continues its caller's trace: its ids can be looked up without our log lines. */
const traced = (p: Pending): boolean => p.span !== undefined || p.trace.parentSpanId !== undefined;

let transportCount = 0;

export function wrapTransport<T extends Transport>(transport: T, kind: TransportKind, deps: WrapperDeps): T {
  const { recorder, names, logger } = deps;
  const pending = new Map<string | number, Pending>();
  const sizes = new MessageSizes(transport, recorder);
  const passing = PASSED_AT in transport ? transport as unknown as { [PASSED_AT]: number | undefined } : undefined;
  /** Now, or when the message being handled passed, for a tap observing after the fact. */
  const now = (): number => passing?.[PASSED_AT] ?? performance.now();
  let protocolVersion = '';
  let clientName = OVERFLOW_VALUE;
  let clientRaw = '';
  let openedAt = 0;
  /** The client name the session was opened under: its close is counted under the same one. */
  let openedAs = OVERFLOW_VALUE;
  /** Set when the library closes the session (reaper, shutdown); otherwise decided at close. */
  let closeReason: SessionEndReason | undefined;
  let lastErrorAt = Number.NEGATIVE_INFINITY;
  const session: SessionHandle = {
    transport: kind,
    lastActivity: Date.now(),
    sessionId: () => transport.sessionId,
    close: async (reason) => {
      closeReason = reason;
      await transport.close();
    },
  };

  // Filed under the session id once the transport has one (Streamable HTTP assigns it while
  // handling initialize, before our observer sees that request).
  let filedAs = transport.sessionId;
  /** Self-correction scope of calls without a task on a transport without a session id. */
  const ownScope = `transport ${++transportCount}`;
  let unfile = deps.openCalls.add(filedAs, pending);

  const onInbound = (msg: AnyMessage, extra: MessageExtra | undefined): CallContext | typeof THROTTLED | undefined => {
    session.lastActivity = Date.now();
    if (transport.sessionId !== filedAs) {
      unfile();
      filedAs = transport.sessionId;
      unfile = deps.openCalls.add(filedAs, pending);
    }
    const method = msg.method;
    if (method === undefined) {
      sizes.inbound(msg, msg.error ? 'error' : 'response', extra);
      return undefined;
    }
    const params = msg.params;
    const label = methodLabel(method);
    if (msg.id === undefined) {
      sizes.inbound(msg, 'notification', extra);
      const version = readEnvelope(params?._meta).protocolVersion;
      onNotification(method, params, label, serverSpan(params?._meta), version === undefined ? protocolVersion : protocolVersionLabel(version));
      return undefined;
    }
    sizes.inbound(msg, 'request', extra);
    const envelope = readEnvelope(params?._meta);
    if (envelope.clientName !== undefined) {
      clientRaw = envelope.clientName.slice(0, 256);
      clientName = deps.clients.label(clientRaw);
    }
    const requestVersion = envelope.protocolVersion !== undefined ? protocolVersionLabel(envelope.protocolVersion)
      : protocolVersion || (headerVersion(extra) ?? '');
    const isToolCall = method === 'tools/call';
    const rawTool = isToolCall && typeof params?.name === 'string' ? params.name : undefined;
    if (method === INITIALIZE_METHOD) {
      const info = params?.clientInfo as { name?: unknown } | undefined;
      clientRaw = typeof info?.name === 'string' ? info.name.slice(0, 256) : '';
    }
    const task = isToolCall ? readTaskMeta(params?._meta) : undefined;
    if (task) deps.tasks.turn(task.id);
    const tool = isToolCall ? names.toolLabel(rawTool) : undefined;
    const refusal = isToolCall ? deps.limitCall?.(clientName, tool!) : undefined;
    if (refusal) {
      refuse(msg.id, refusal);
      return THROTTLED;
    }
    const rawPrompt = method === 'prompts/get' && typeof params?.name === 'string' ? params.name : undefined;
    const prompt = method === 'prompts/get' ? names.promptLabel(params?.name) : undefined;
    const resource = method === 'resources/read' ? names.resourceLabel(params?.uri) : undefined;
    const started = deps.spans?.start({
      method, methodLabel: label, requestId: msg.id, targetLabel: tool ?? prompt, tool: rawTool, prompt: rawPrompt,
      sessionId: transport.sessionId, protocolVersion: requestVersion, transport: kind, task, meta: params?._meta,
    });
    const call: Pending = {
      requestId: msg.id, method: label, rawMethod: method, protocolVersion: requestVersion, sessionId: transport.sessionId, task, rawTool, tool, prompt, resource,
      trace: started ? started.trace : serverSpan(params?._meta),
      span: started?.span,
      start: now(),
      args: isToolCall ? params?.arguments : undefined,
      // The token's subject is read from authInfo.extra.sub (where the sample server and most verifiers put the JWT claims).
      subject: clip(extra?.authInfo?.extra?.sub),
      clientId: clip(extra?.authInfo?.clientId),
      requestInfo: extra?.requestInfo,
      laterPage: method === 'tools/list' && params?.cursor !== undefined,
    };
    pending.set(msg.id, call);
    recorder.inFlight(label, tool, 1);
    return call;
  };

  /** Answers a refused tools/call in band; the SDK never sees the request. */
  const refuse = (id: string | number, r: Refusal) => {
    const retryAfterSeconds = Math.ceil(r.retryAfterSeconds * 1000) / 1000;
    void transport.send({ jsonrpc: '2.0', id, error: { code: RATE_LIMITED_CODE,
      message: `Rate limit exceeded (${r.limit === 'tool' ? 'this tool' : 'all tools'}); retry after ${retryAfterSeconds} s`,
      data: { retryAfterSeconds } } } as JSONRPCMessage, { relatedRequestId: id }).catch((err: unknown) =>
      logger.warning('sending a rate-limit answer failed', { session_id: transport.sessionId, error: String(err) }));
  };

  // One event object per transport, refilled for every operation: the recorder reads it at once and keeps nothing.
  const event: OperationEvent = { transport: kind, method: '', tool: undefined, prompt: undefined, protocolVersion: '', seconds: 0,
    isRequest: false, code: undefined, toolError: undefined, traceId: '', spanId: '' };
  /** `linked`: the ids lead somewhere (a span, the caller's trace, a log or audit line), so they go on the exemplar. */
  const operation = (method: string, version: string, isRequest: boolean, seconds: number, trace: TraceContext, linked: boolean,
    tool: string | undefined, prompt: string | undefined, code: string | undefined, toolError: ToolErrorType | undefined) => {
    event.method = method;
    event.tool = tool;
    event.prompt = prompt;
    event.protocolVersion = version;
    event.seconds = seconds;
    event.isRequest = isRequest;
    event.code = code;
    event.toolError = toolError;
    event.traceId = linked ? trace.traceId : undefined;
    event.spanId = linked ? trace.spanId : undefined;
    recorder.operation(event);
  };

  const onNotification = (method: string, params: Record<string, unknown> | undefined, label: string, trace: TraceContext, version: string) => {
    if (method === 'notifications/cancelled') {
      const id = params?.requestId as string | number | undefined;
      const p = id === undefined ? undefined : pending.get(id);
      if (p) {
        pending.delete(id!);
        recorder.inFlight(p.method, p.tool, -1);
        if (p.rawMethod === 'tools/call') finishToolCall(p, 'timeout', undefined);
        else if (p.span) deps.spans!.end(p.span, { toolError: 'timeout', protocolVersion: p.protocolVersion });
      }
    } else if (method === TASK_NOTIFICATION_METHOD) {
      deps.tasks.finish(params, transport.sessionId);
    }
    operation(label, version, false, 0, trace, trace.parentSpanId !== undefined, undefined, undefined, undefined, undefined);
  };

  /** Returns, with a durable audit trail, when the call's record is on disk (the response waits for it). */
  const finishToolCall = (p: Pending, toolError: ToolErrorType | undefined, code: string | undefined, msg?: AnyMessage): Promise<void> | undefined => {
    const seconds = (now() - p.start) / 1000;
    if (p.span) deps.spans!.end(p.span, { error: msg?.error, toolError, message: toolError ? firstText(msg?.result) : undefined, protocolVersion: p.protocolVersion });
    const failed = toolError !== undefined;
    const level = failed ? 'warning' : 'info';
    const logged = (deps.logToolCalls === 'all' || (failed && deps.logToolCalls === 'failed')) && logger.enabled(level);
    operation(p.method, p.protocolVersion, true, seconds, p.trace, logged || deps.audit !== undefined || traced(p), p.tool, undefined, code, toolError);
    if (toolError === 'unknown_tool' || toolError === 'invalid_params') recorder.hallucination(p.tool!, toolError);
    if (toolError === 'unknown_tool') recorder.unknownRequest(clientName, 'tool');
    if (p.tokens) recorder.tokens(p.tool!, p.tokens.input, p.tokens.output, p.tokens.costUsd);
    recorder.clientToolCall(clientName, toolError !== undefined);
    // The task is the agent's unit of work; without one, the session (or this transport, when stateless) is.
    // Scope keys are built only when a failure is noted or one may be waiting (none: the common case).
    const scope = () => (p.task ? `task ${p.task.id}` : `session ${transport.sessionId ?? ownScope}`);
    if (toolError !== undefined) deps.corrections.failed(scope(), p.tool!, Date.now());
    else if (deps.corrections.waiting) {
      const corrected = deps.corrections.succeeded(scope(), p.tool!, Date.now());
      if (corrected > 0) recorder.selfCorrection(p.tool!, corrected);
    }
    // One record per call, built only when a line will be written (logs above info are common in production).
    if (!logged && deps.audit === undefined) return undefined;
    const record: ToolCallRecord = {
      trace_id: p.trace.traceId, span_id: p.trace.spanId, parent_span_id: p.trace.parentSpanId,
      session_id: transport.sessionId, request_id: p.requestId, transport: kind,
      client: clientRaw || undefined, subject: p.subject, client_id: p.clientId,
      tool: p.rawTool ?? '', tool_label: p.tool!, arguments: p.args,
      outcome: failed ? 'error' : 'ok', error_type: toolError, error_code: code, latency_ms: round3(seconds * 1000),
      tokens: p.tokens, task_id: p.task?.id,
    };
    if (logged) logger.toolCall(level, record);
    return deps.audit?.record(record);
  };

  const onResponse = (msg: AnyMessage, p: Pending): Promise<void> | undefined => {
    const code = msg.error ? codeLabel(msg.error.code) : undefined;
    if (p.rawMethod === 'tools/call') {
      if (msg.result) deps.toolResult(p.tool!, msg.result);
      // Registered names are looked up only for a failed call (classifying it).
      const failed = msg.error !== undefined || msg.result?.isError === true;
      const toolError = failed ? classifyToolFailure(msg, p.rawTool !== undefined && names.hasTool(p.rawTool)) : undefined;
      return finishToolCall(p, toolError, code, msg);
    }
    if (code === METHOD_NOT_FOUND) recorder.unknownRequest(clientName, 'method');
    if (p.rawMethod === INITIALIZE_METHOD || p.rawMethod === DISCOVER_METHOD) onHandshake(msg, p);
    if (p.rawMethod === 'tools/list') {
      const tools = msg.result?.tools;
      learnNames(tools, (n) => names.addTools(n));
      // Only a whole list says what is served; a paged one teaches names but not what disappeared.
      if (deps.toolsListed && Array.isArray(tools) && !p.laterPage && msg.result?.nextCursor === undefined) deps.toolsListed(tools);
    }
    if (p.rawMethod === 'prompts/list') learnNames(msg.result?.prompts, (n) => names.addPrompts(n));
    if (p.rawMethod === 'resources/list') learnNames(msg.result?.resources, (n) => names.learnResources(n), 'uri');
    if (p.rawMethod === 'resources/templates/list') learnNames(msg.result?.resourceTemplates, (n) => names.learnResources(n), 'uriTemplate');
    if (p.rawMethod === 'resources/read') recorder.resourceRead(p.resource!, resourceStatus(msg.error?.code), msg.result ? contentBytes(msg.result.contents) : undefined);
    if (p.rawMethod === 'prompts/get') recorder.promptGet(p.prompt!, msg.error === undefined);
    const seconds = (now() - p.start) / 1000;
    // initialize's own version is the one it negotiated.
    const version = p.rawMethod === INITIALIZE_METHOD ? protocolVersion : p.protocolVersion;
    if (p.span) deps.spans!.end(p.span, { error: msg.error, protocolVersion: version });
    const level = code ? 'warning' : 'info';
    const logged = logger.enabled(level);
    operation(p.method, version, true, seconds, p.trace, logged || traced(p), undefined, p.prompt, code, undefined);
    if (logged) logger.request(level, p.rawMethod, {
      trace_id: p.trace.traceId, span_id: p.trace.spanId, parent_span_id: p.trace.parentSpanId,
      session_id: transport.sessionId, request_id: p.requestId, method: p.method,
      duration_ms: round3(seconds * 1000), status: code ? 'error' : 'ok', error_code: code, error: msg.error?.message, transport: kind,
    });
  };

  /**
   * initialize (2025 era) or server/discover (2026-07-28): the request that starts a conversation.
   * Only an initialize over stdio or a session-keeping HTTP transport opens a session: stateless
   * HTTP and the 2026-07-28 revision have none.
   */
  const onHandshake = (msg: AnyMessage, p: Pending) => {
    const ok = msg.result !== undefined;
    const initialize = p.rawMethod === INITIALIZE_METHOD;
    if (initialize && ok) protocolVersion = protocolVersionLabel(msg.result?.protocolVersion);
    const version = initialize ? protocolVersion : p.protocolVersion;
    clientName = deps.clients.label(clientRaw);
    recorder.handshake(kind, ok, clientName, version);
    const sessionful = initialize && (kind === 'stdio' || transport.sessionId !== undefined);
    // A second initialize on an open session, or a new session soon after this client's last one closed.
    if (ok && sessionful && (openedAt !== 0 || deps.sessions.reconnects(kind, clientName))) recorder.reconnection(kind, clientName);
    if (ok && sessionful && openedAt === 0) {
      openedAt = now();
      openedAs = clientName;
      recorder.sessionOpened(kind, clientName);
      deps.sessions.add(session);
    }
    logger.log(ok ? 'info' : 'warning', `${p.rawMethod} ${ok ? 'answered' : 'failed'}`, {
      session_id: transport.sessionId, transport: kind, client: clientRaw, protocol_version: version,
      error: msg.error?.message,
    });
  };

  const onClose = () => {
    // Requests the session never answered: their spans end here, failed, instead of leaking.
    for (const p of pending.values()) {
      recorder.inFlight(p.method, p.tool, -1);
      if (p.span) deps.spans!.end(p.span, { toolError: 'internal_error', message: 'session closed before the response', protocolVersion: p.protocolVersion });
    }
    pending.clear();
    unfile();
    deps.closed?.();
    if (openedAt === 0) return;
    const seconds = (performance.now() - openedAt) / 1000;
    openedAt = 0;
    deps.sessions.delete(session);
    const reason = closeReason ?? (deps.sessions.shuttingDown ? 'server_shutdown'
      : performance.now() - lastErrorAt < ERROR_BEFORE_CLOSE_MS ? 'transport_error' : 'client_closed');
    recorder.sessionClosed(kind, seconds, protocolVersion, reason, openedAs);
    deps.sessions.closedBy(kind, openedAs);
    logger.info(LOG_EVENTS.sessionClosed, { session_id: transport.sessionId, transport: kind, duration_ms: round3(seconds * 1000),
      reason });
  };

  const send = transport.send.bind(transport);
  const sendSized = (msg: AnyMessage, type: MessageType, message: Parameters<T['send']>[0], options: Parameters<T['send']>[1]) => {
    sizes.beforeSend(msg);
    try {
      return send(message, options);
    } finally {
      sizes.afterSend(msg, type);
    }
  };
  transport.send = (message, options) => {
    const msg = message as AnyMessage;
    let type: MessageType;
    let recorded: Promise<void> | undefined;
    if (msg.method !== undefined) {
      type = msg.id === undefined ? 'notification' : 'request';
    } else {
      // The response hook runs first: it may truncate or redact a tool result, and the size counts what is sent.
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (p) {
        pending.delete(msg.id!);
        recorder.inFlight(p.method, p.tool, -1);
        recorded = onResponse(msg, p);
      }
      type = msg.error ? 'error' : 'response';
    }
    // A durable audit trail holds the answer until its record is on disk.
    if (recorded) return recorded.then(() => sendSized(msg, type, message, options));
    return sendSized(msg, type, message, options);
  };

  const hookInbound = () => {
    const inner = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const call = onInbound(message as AnyMessage, extra as MessageExtra | undefined);
      if (call === THROTTLED) return;
      if (call && deps.calls) deps.calls.run(call, () => inner?.(message, extra));
      else inner?.(message, extra);
    };
    const innerClose = transport.onclose;
    transport.onclose = () => {
      onClose();
      innerClose?.();
    };
    const innerError = transport.onerror;
    transport.onerror = (error) => {
      lastErrorAt = now();
      logger.warning(LOG_EVENTS.transportError, { session_id: transport.sessionId, transport: kind, error: error.message });
      innerError?.(error);
    };
  };

  const start = transport.start.bind(transport);
  transport.start = async () => {
    hookInbound();
    await start();
  };
  return transport;
}

function learnNames(list: unknown, add: (names: string[]) => void, key = 'name'): void {
  if (!Array.isArray(list)) return;
  add(list.map((t: Record<string, unknown> | undefined) => t?.[key]).filter((n): n is string => typeof n === 'string'));
}

/** -32002 is the spec's resource-not-found; SDK 1.x answers an unknown URI with -32602. */
function resourceStatus(code: number | undefined): ResourceReadStatus {
  if (code === undefined) return 'ok';
  return code === -32002 || code === -32602 ? 'not_found' : 'error';
}

/** Bytes of resources/read contents: UTF-8 bytes of text, characters of base64 blobs. */
function contentBytes(contents: unknown): number {
  if (!Array.isArray(contents)) return 0;
  let bytes = 0;
  for (const c of contents as { text?: unknown; blob?: unknown }[]) {
    if (typeof c?.text === 'string') bytes += Buffer.byteLength(c.text);
    else if (typeof c?.blob === 'string') bytes += c.blob.length;
  }
  return bytes;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
