// What the transport wrapper, HTTP middleware, session tracker and public API observe. Each
// profile's recorder turns these into its own families.

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
  traceId: string;
  spanId: string;
}

export type MessageType = 'request' | 'response' | 'notification' | 'error';

export interface Recorder {
  operation(e: OperationEvent): void;
  message(direction: 'in' | 'out', type: MessageType, bytes: number): void;
  handshake(transport: TransportKind, ok: boolean, clientName: string, protocolVersion: string): void;
  sessionOpened(transport: TransportKind): void;
  sessionClosed(transport: TransportKind, seconds: number, protocolVersion: string, reaped: boolean): void;
  idleSessions(transport: TransportKind, count: number): void;
  hallucination(tool: string, kind: 'unknown_tool' | 'invalid_params'): void;
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
}

/** Where a redacted value was: tool arguments (audit), tool results (sent to the client), log lines. */
export type RedactionLocation = 'input' | 'output' | 'log';
