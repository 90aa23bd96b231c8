// A tap: observes a JSON-RPC stream that passes outside the SDK, between a client and a server
// this process does not run (the wrap and proxy commands). It is a Transport whose inbound
// messages are the client's and whose "sent" messages are the server's, so the one transport
// wrapper (transport.ts) records them exactly as for an instrumented server. The tap never
// writes: the bytes are forwarded by its owner, which passes each parsed message and its size.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { WIRE_BYTES } from './wire-size.js';

/**
 * Where a transport that observes after the fact (a tap fed in batches) puts when the message
 * passed, on performance.now()'s clock: calls and sessions are timed by it, not by when they were observed.
 */
export const PASSED_AT = Symbol('when the message passed on the wire');

/** What the wrap and proxy commands feed: one tap per stdio connection or HTTP session. */
export interface MessageTap {
  /**
   * A message the client sent, with its UTF-8 bytes on the wire (framing excluded) and, when it is
   * observed later than it passed, when it passed (performance.now()'s clock).
   */
  fromClient(message: unknown, bytes: number, passedAt?: number): void;
  /** A message the server sent, as fromClient. */
  fromServer(message: unknown, bytes: number, passedAt?: number): void;
  /** The session id the server assigned (HTTP `Mcp-Session-Id`), once known. */
  sessionId: string | undefined;
  /** The connection or session ended: closes the session's signals once. */
  close(): Promise<void>;
}

/** JSON-RPC messages are objects; anything else on the wire is forwarded but not observed. */
const isMessage = (value: unknown): value is JSONRPCMessage => typeof value === 'object' && value !== null && !Array.isArray(value);

export class TapTransport implements Transport, MessageTap {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  sessionId: string | undefined;
  [WIRE_BYTES]: number | undefined;
  [PASSED_AT]: number | undefined;
  private closed = false;

  constructor(private readonly onClosed?: () => void) {}

  async start(): Promise<void> {}

  /** The server's message has already gone out: nothing to write. */
  async send(_message: JSONRPCMessage): Promise<void> {}

  /** Ends the session's signals once (also what the idle reaper calls). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
    this.onClosed?.();
  }

  fromClient(message: unknown, bytes: number, passedAt?: number): void {
    if (this.closed || !isMessage(message)) return;
    this[WIRE_BYTES] = bytes;
    this[PASSED_AT] = passedAt;
    try {
      this.onmessage?.(message);
    } finally {
      this[WIRE_BYTES] = undefined;
      this[PASSED_AT] = undefined;
    }
  }

  fromServer(message: unknown, bytes: number, passedAt?: number): void {
    if (this.closed || !isMessage(message)) return;
    this[WIRE_BYTES] = bytes;
    this[PASSED_AT] = passedAt;
    try {
      void this.send(message);
    } finally {
      this[WIRE_BYTES] = undefined;
      this[PASSED_AT] = undefined;
    }
  }
}
