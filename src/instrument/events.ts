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
  authFailure(reason: string): void;
  redaction(detector: string): void;
  auditRecord(outcome: 'ok' | 'error'): void;
}
