// Requests being handled, found from what every SDK request handler already holds: its `extra`
// argument (RequestHandlerExtra: sessionId, requestId). This replaces an AsyncLocalStorage context
// as the default way a tool handler reaches its call, because on Node 20/22 an entered ALS runs a
// hook for every promise the process creates, which costs more per call than all the metrics.

/** The part of the SDK's RequestHandlerExtra that identifies a request. */
export interface CallRef {
  readonly sessionId?: string;
  readonly requestId: string | number;
  /** Streamable HTTP: one object per POST, the same the transport passed with the message. */
  readonly requestInfo?: unknown;
}

/** An open call as filed: `requestInfo` is what the transport passed with its request, if anything. */
export interface Filed {
  readonly requestInfo?: unknown;
}

type CallsById<C> = ReadonlyMap<string | number, C>;

export class OpenCalls<C extends Filed> {
  private readonly bySession = new Map<string, CallsById<C>>();
  /** Transports without a session id (stdio, stateless HTTP): found by request id alone. */
  private readonly sessionless = new Set<CallsById<C>>();

  /** Files a transport's open calls under its session id (undefined: session-less); returns the undo. */
  add(sessionId: string | undefined, calls: CallsById<C>): () => void {
    if (sessionId === undefined) {
      this.sessionless.add(calls);
      return () => { this.sessionless.delete(calls); };
    }
    this.bySession.set(sessionId, calls);
    return () => { if (this.bySession.get(sessionId) === calls) this.bySession.delete(sessionId); };
  }

  /**
   * The open call `ref` names; undefined when none does. Session-less transports (stdio; stateless
   * HTTP, one transport per request) are told apart by `requestInfo` where both sides have it (the
   * same HTTP POST); a request id still open on several of them is not guessed (that would book
   * tokens on another client's call).
   */
  find(ref: CallRef): C | undefined {
    if (ref.sessionId !== undefined) return this.bySession.get(ref.sessionId)?.get(ref.requestId);
    let found: C | undefined;
    for (const calls of this.sessionless) {
      const call = calls.get(ref.requestId);
      if (call === undefined || (ref.requestInfo !== undefined && call.requestInfo !== undefined && call.requestInfo !== ref.requestInfo)) continue;
      if (found !== undefined) return undefined;
      found = call;
    }
    return found;
  }
}
