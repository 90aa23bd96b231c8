// What the transport wrapper, HTTP middleware, session tracker and public API observe. Each
// profile's recorder turns these into its own families.
import type { ThrottleLimit } from './rate-limit.js';

export type TransportKind = 'stdio' | 'http';

/** Tool-call error classes (the prom-client profile's error_type values). */
export type ToolErrorType = 'invalid_params' | 'unknown_tool' | 'tool_error' | 'internal_error' | 'timeout';

export interface OperationEvent {
  transport: TransportKind;
  /** Bounded method label. */
  method: string;
  /** Bounded tool label, for tools/call. */
  tool?: string;
  /** Bounded prompt label, for prompts/get. */
  prompt?: string;
  protocolVersion: string;
  seconds: number;
  /** False for notifications (no response, recorded with duration 0). */
  isRequest: boolean;
  /** JSON-RPC error code label when the response was a JSON-RPC error. */
  code?: string;
  /** Set for failed tools/call. */
  toolError?: ToolErrorType;
  /**
   * The request's trace and span ids, for the duration histogram's exemplar; undefined when they
   * lead nowhere (no span, no caller's trace, no log or audit line written for the call).
   */
  traceId: string | undefined;
  spanId: string | undefined;
}

export type MessageType = 'request' | 'response' | 'notification' | 'error';

export interface Recorder {
  operation(e: OperationEvent): void;
  message(direction: 'in' | 'out', type: MessageType, bytes: number): void;
  handshake(transport: TransportKind, ok: boolean, clientName: string, protocolVersion: string): void;
  sessionOpened(transport: TransportKind, clientName: string): void;
  /** A tools/call answered, by bounded client name. */
  clientToolCall(clientName: string, failed: boolean): void;
  sessionClosed(transport: TransportKind, seconds: number, protocolVersion: string, reason: SessionEndReason, clientName: string): void;
  /** A client name opened a session soon after its previous one closed, or re-initialised its open session. */
  reconnection(transport: TransportKind, clientName: string): void;
  /** A request was received (+1) or answered, cancelled or dropped with its session (-1); `tool` for tools/call. */
  inFlight(method: string, tool: string | undefined, delta: 1 | -1): void;
  idleSessions(transport: TransportKind, count: number): void;
  hallucination(tool: string, kind: 'unknown_tool' | 'invalid_params'): void;
  /** `count` failed calls of `tool` were corrected by a successful call of it. */
  selfCorrection(tool: string, count: number): void;
  tokens(tool: string, input: number, output: number, costUsd: number): void;
  task(outcome: string, turns: number): void;
  rejected(reason: string, code: string | undefined, method: string, seconds: number): void;
  /** `client` is a bounded label value (OVERFLOW_VALUE when unattributable). */
  authFailure(reason: string, client: string): void;
  redaction(detector: string, location: RedactionLocation): void;
  auditRecord(outcome: 'ok' | 'error'): void;
  /** A request naming a tool or method the server does not have, by bounded client name. */
  unknownRequest(clientName: string, kind: 'tool' | 'method'): void;
  /** A fingerprint of a tool definition started (served=true) or stopped (false) being served. */
  toolDefinition(tool: string, fingerprint: string, served: boolean): void;
  /** A tool is newly tracked: its change counters start at 0 so increase() sees the first change. */
  toolDefinitionTracked(tool: string): void;
  toolDefinitionChange(tool: string, change: 'modified' | 'added' | 'removed'): void;
  registeredTools(count: number): void;
  toolResponse(tool: string, bytes: number, truncated: boolean): void;
  /** A resources/read answered: bounded resource label, status, result content bytes (for ok reads). */
  resourceRead(resource: string, status: ResourceReadStatus, bytes: number | undefined): void;
  /** A tools/call refused by a rate limit (bounded client and tool labels); in band (client, tool) or reported by the hook (external). */
  throttled(clientName: string, tool: string, limit: ThrottleLimit): void;
  /** Client names refused within the last minute. */
  limitedClients(count: number): void;
  /** A prompts/get answered, by bounded prompt label. */
  promptGet(prompt: string, ok: boolean): void;
}

/** not_found: the URI names no resource (-32002, or the -32602 SDK 1.x answers); error: anything else. */
export type ResourceReadStatus = 'ok' | 'not_found' | 'error';

/** Why a session ended: the client closed it (DELETE, end of stdin), the idle reaper, a transport error just before the close, or the server shutting down. */
export type SessionEndReason = 'client_closed' | 'reaped_idle' | 'transport_error' | 'server_shutdown';

/** Where a redacted value was: tool arguments (audit), tool results (sent to the client), log lines. */
export type RedactionLocation = 'input' | 'output' | 'log';
