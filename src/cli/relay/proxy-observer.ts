// The proxy's observation, in its own worker (proxy-observer-main.ts), fed the relaying thread's
// events (proxy-events.ts) in the order they happened. Per connection, HttpFraming reads the
// HTTP/1.1 messages both ways and requests to the upstream's MCP path are observed: the POST body
// (a copy, bounded) and each JSON answer or SSE event go to a tap, one per session
// (Mcp-Session-Id), or one per request where the server keeps no session. Each message is timed
// by when its bytes passed the relay, not by when they are observed.
import type { Instrumentation, MessageTap } from '@mcp-observability/instrument';
import { HttpFraming, type HttpHead } from './http-framing.js';
import { MAX_OBSERVED_BYTES } from './line-splitter.js';
import { observeJson, type Side } from './observe.js';
import { PROXY_EVENT, tagConnection, tagEvent } from './proxy-events.js';
import { relayCounter } from './relay-metrics.js';
import { SseReader } from './sse-reader.js';

const SESSION_HEADER = 'mcp-session-id';

/** A body copied as it streams past, for observation once complete; dropped beyond the bound. */
class BodyCopy {
  private parts: Buffer[] = [];
  private size = 0;

  push(data: Buffer): void {
    this.size += data.length;
    if (this.size <= MAX_OBSERVED_BYTES) this.parts.push(data);
    else this.parts = [];
  }

  /** The whole body, or undefined when it outgrew the bound. */
  bytes(): Buffer | undefined {
    if (this.size > MAX_OBSERVED_BYTES) return undefined;
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }
}

/** One request on a connection and, once it comes, its answer. */
interface Exchange {
  method: string;
  /** Set for requests to the MCP path. */
  tap?: MessageTap;
  /** The tap was the session's before this request. */
  known: boolean;
  /** The request body, for a POST to the MCP path (undefined if content-encoded: not observed). */
  body?: BodyCopy;
  status?: number;
  /** The answer's observer: JSON copied whole, SSE read event by event. */
  answer?: BodyCopy | SseReader;
}

const encoded = (headers: Map<string, string>) => {
  const coding = headers.get('content-encoding');
  return coding !== undefined && coding !== 'identity';
};

/** One relayed connection as observed. */
interface ConnectionObserver {
  fromClient(bytes: Buffer, passedAt: number): void;
  fromServer(bytes: Buffer, passedAt: number): void;
  upstreamEnded(): void;
  upstreamBroke(): void;
  closed(): void;
}

export interface ProxyObserver {
  /** One event as the relaying thread recorded it (its ring record). */
  event(tag: number, bytes: Buffer, passedAt: number): void;
  /** Closes the sessions' taps. */
  close(): void;
}

export function createProxyObserver(upstream: URL, instrumentation: Instrumentation): ProxyObserver {
  const upstreamErrors = relayCounter(instrumentation.registry, 'mcp_proxy_upstream_errors_total');
  const unobserved = relayCounter(instrumentation.registry, 'mcp_relay_unobserved_messages_total');
  const mcpPath = upstream.pathname;
  const sessions = new Map<string, MessageTap>();
  const connections = new Map<number, ConnectionObserver>();

  const sessionTap = (id: string, tap: MessageTap) => {
    tap.sessionId = id;
    sessions.set(id, tap);
  };
  const newTap = () => {
    const tap: MessageTap = instrumentation.tap({
      kind: 'http',
      // Also when the idle reaper closes it: the session is forgotten.
      onClose: () => {
        if (tap.sessionId !== undefined && sessions.get(tap.sessionId) === tap) sessions.delete(tap.sessionId);
      },
    });
    return tap;
  };

  const observeBody = (tap: MessageTap, side: Side, body: Buffer | undefined, passedAt: number) => {
    if (body === undefined || !observeJson(tap, side, body.toString('utf8'), body.length, passedAt)) unobserved.inc({ direction: side === 'fromClient' ? 'in' : 'out' });
  };

  const exchangeFor = (head: HttpHead): Exchange => {
    const [method, target] = head.startLine;
    const query = target.indexOf('?');
    if ((query === -1 ? target : target.slice(0, query)) !== mcpPath) return { method, known: false };
    const sessionId = head.headers.get(SESSION_HEADER);
    const known = sessionId !== undefined ? sessions.get(sessionId) : undefined;
    // A request outside a known session gets its own tap: kept if the answer names a session, else closed with the answer.
    const tap = known ?? newTap();
    if (!known && sessionId !== undefined) sessionTap(sessionId, tap);
    return { method, tap, known: known !== undefined, body: method === 'POST' && !encoded(head.headers) ? new BodyCopy() : undefined };
  };

  /** A request that will get no answer: its own tap (no session named) is closed. */
  const forget = (exchange: Exchange | undefined) => {
    if (exchange?.tap && exchange.tap.sessionId === undefined) void exchange.tap.close();
  };

  const observeConnection = (): ConnectionObserver => {
    /** Requests in the order sent; the head of the queue is the one the next answer is for. */
    const pending: Exchange[] = [];
    /** The request being read, and the exchange whose answer is being read. */
    let sending: Exchange | undefined;
    let answering: Exchange | undefined;
    /** When the bytes being read passed the relay. */
    let passedAt = 0;

    const answerReader = (tap: MessageTap, headers: Map<string, string>): Exchange['answer'] => {
      const type = headers.get('content-type') ?? '';
      if (encoded(headers)) {
        unobserved.inc({ direction: 'out' });
      } else if (type.startsWith('text/event-stream')) {
        return new SseReader(
          (data) => {
            if (!observeJson(tap, 'fromServer', data, Buffer.byteLength(data), passedAt)) unobserved.inc({ direction: 'out' });
          },
          () => unobserved.inc({ direction: 'out' }),
        );
      } else if (type.startsWith('application/json')) {
        return new BodyCopy();
      }
      return undefined;
    };

    const answered = (exchange: Exchange) => {
      const { tap, answer, status } = exchange;
      if (!tap) return;
      if (answer instanceof BodyCopy) observeBody(tap, 'fromServer', answer.bytes(), passedAt);
      const ended = (exchange.method === 'DELETE' && status! < 300) || (exchange.known && status === 404);
      if (ended || tap.sessionId === undefined) void tap.close();
    };

    const requests = new HttpFraming('request', {
      head: (head) => {
        sending = exchangeFor(head);
        pending.push(sending);
      },
      pass: () => {},
      body: (data) => sending?.body?.push(data),
      end: () => {
        const { tap, method, body } = sending!;
        sending = undefined;
        if (!tap || method !== 'POST') return;
        if (body) observeBody(tap, 'fromClient', body.bytes(), passedAt);
        else unobserved.inc({ direction: 'in' }); // content-encoded
      },
      opaque: () => unobserved.inc({ direction: 'in' }),
    });
    const answers = new HttpFraming('response', {
      head: (head) => {
        const status = Number(head.startLine[1]);
        if (status < 200) return; // interim: the final answer follows
        answering = pending.shift();
        if (!answering) return;
        answering.status = status;
        const { tap } = answering;
        if (!tap) return;
        const assigned = head.headers.get(SESSION_HEADER);
        if (!answering.known && assigned !== undefined && tap.sessionId === undefined) sessionTap(assigned, tap);
        answering.answer = answerReader(tap, head.headers);
      },
      pass: () => {},
      body: (data) => answering?.answer?.push(data),
      end: () => {
        if (answering) answered(answering);
        answering = undefined;
      },
      opaque: () => {
        // A protocol switch (101, CONNECT) or a stream we cannot read: from here on both ways pass unread.
        requests.passThrough();
        forget(answering ?? pending.shift());
        answering = undefined;
        unobserved.inc({ direction: 'out' });
      },
    }, () => pending[0]?.method);

    const broke = () => {
      if (answers.partial || pending.length > 0) upstreamErrors.inc({ reason: 'reset' });
    };
    return {
      fromClient(bytes, at) {
        passedAt = at;
        requests.push(bytes);
      },
      fromServer(bytes, at) {
        passedAt = at;
        answers.push(bytes);
      },
      upstreamEnded() {
        answers.close();
        broke();
      },
      upstreamBroke: broke,
      closed() {
        forget(answering);
        for (const exchange of pending) forget(exchange);
      },
    };
  };

  return {
    event(tag, bytes, passedAt) {
      const id = tagConnection(tag);
      const event = tagEvent(tag);
      if (event === PROXY_EVENT.opened) {
        connections.set(id, observeConnection());
        return;
      }
      const connection = connections.get(id);
      if (!connection) return;
      if (event === PROXY_EVENT.fromClient) connection.fromClient(bytes, passedAt);
      else if (event === PROXY_EVENT.fromServer) connection.fromServer(bytes, passedAt);
      else if (event === PROXY_EVENT.upstreamEnded) connection.upstreamEnded();
      else if (event === PROXY_EVENT.upstreamBroke) connection.upstreamBroke();
      else if (event === PROXY_EVENT.unreachable) upstreamErrors.inc({ reason: 'connect' });
      else if (event === PROXY_EVENT.closed) {
        connection.closed();
        connections.delete(id);
      }
    },
    close() {
      for (const tap of sessions.values()) void tap.close();
    },
  };
}
