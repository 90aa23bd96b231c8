// `proxy`: a Streamable HTTP reverse proxy in front of an MCP server, relaying at the TCP level.
// Each client connection gets its own upstream connection and the bytes are written straight
// through both ways as they arrive (with backpressure); only request heads are rewritten, their
// Host made the upstream's. Beside the stream, HttpFraming reads the HTTP/1.1 messages and requests
// to the upstream's MCP path are observed: the POST body (a copy, bounded) and each JSON answer or
// SSE event go to a tap, one per session (Mcp-Session-Id), or one per request where the server
// keeps no session. Observation runs after the bytes are written, off the relayed path. Headers,
// Authorization included, pass through and are never logged.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Instrumentation, MessageTap } from '@mcp-observability/instrument';
import { HttpFraming, type HttpHead } from './http-framing.js';
import { MAX_OBSERVED_BYTES } from './line-splitter.js';
import { observeJson, type Side } from './observe.js';
import { relayCounter } from './relay-metrics.js';
import { SseReader } from './sse-reader.js';

const SESSION_HEADER = 'mcp-session-id';
const HOST_LINE = /\r\nhost:[^\r]*/i;

const UNREACHABLE = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'upstream MCP server unreachable' } });
const BAD_GATEWAY = Buffer.from(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: application/json\r\ncontent-length: ${UNREACHABLE.length}\r\nconnection: close\r\n\r\n${UNREACHABLE}`);

export interface McpProxy {
  /** Relays one accepted client connection to a new upstream connection. */
  relay(client: Socket): void;
  /** Open sessions being observed. */
  readonly sessions: number;
  /** Drops every relayed connection and closes the sessions' taps. */
  close(): void;
}

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
  requestEnded: boolean;
  status?: number;
  /** The answer's observer: JSON copied whole, SSE read event by event. */
  answer?: BodyCopy | SseReader;
}

const encoded = (headers: Map<string, string>) => {
  const coding = headers.get('content-encoding');
  return coding !== undefined && coding !== 'identity';
};

export function createMcpProxy(upstream: URL, instrumentation: Instrumentation): McpProxy {
  const upstreamErrors = relayCounter(instrumentation.registry, 'mcp_proxy_upstream_errors_total');
  const unobserved = relayCounter(instrumentation.registry, 'mcp_relay_unobserved_messages_total');
  const secure = upstream.protocol === 'https:';
  const host = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(upstream.port || (secure ? 443 : 80));
  const hostLine = `\r\nHost: ${upstream.host}`;
  const mcpPath = upstream.pathname;
  const sessions = new Map<string, MessageTap>();
  const open = new Set<Socket>();

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

  const observeBody = (tap: MessageTap, side: Side, body: Buffer | undefined) => {
    if (body === undefined || !observeJson(tap, side, body.toString('utf8'), body.length)) unobserved.inc({ direction: side === 'fromClient' ? 'in' : 'out' });
  };

  const exchangeFor = (head: HttpHead): Exchange => {
    const [method, target] = head.startLine;
    const query = target.indexOf('?');
    if ((query === -1 ? target : target.slice(0, query)) !== mcpPath) return { method, known: false, requestEnded: false };
    const sessionId = head.headers.get(SESSION_HEADER);
    const known = sessionId !== undefined ? sessions.get(sessionId) : undefined;
    // A request outside a known session gets its own tap: kept if the answer names a session, else closed with the answer.
    const tap = known ?? newTap();
    if (!known && sessionId !== undefined) sessionTap(sessionId, tap);
    return { method, tap, known: known !== undefined, requestEnded: false,
      body: method === 'POST' && !encoded(head.headers) ? new BodyCopy() : undefined };
  };

  const answerReader = (tap: MessageTap, headers: Map<string, string>): Exchange['answer'] => {
    const type = headers.get('content-type') ?? '';
    if (encoded(headers)) {
      unobserved.inc({ direction: 'out' });
    } else if (type.startsWith('text/event-stream')) {
      return new SseReader(
        (data) => {
          if (!observeJson(tap, 'fromServer', data, Buffer.byteLength(data))) unobserved.inc({ direction: 'out' });
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
    if (answer instanceof BodyCopy) observeBody(tap, 'fromServer', answer.bytes());
    const ended = (exchange.method === 'DELETE' && status! < 300) || (exchange.known && status === 404);
    if (ended || tap.sessionId === undefined) void tap.close();
  };

  /** A request that will get no answer: its own tap (no session named) is closed. */
  const forget = (exchange: Exchange | undefined) => {
    if (exchange?.tap && exchange.tap.sessionId === undefined) void exchange.tap.close();
  };

  const relay = (client: Socket): void => {
    open.add(client);
    client.setNoDelay(true);
    const server: Socket = secure
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }) })
      : netConnect({ host, port, allowHalfOpen: true });
    server.setNoDelay(true);
    let connected = false;
    let unreachable = false;
    /** Requests in the order sent; the head of the queue is the one the next answer is for. */
    const pending: Exchange[] = [];
    /** The request being read, and the exchange whose answer is being read. */
    let sending: Exchange | undefined;
    let answering: Exchange | undefined;
    /** Requests complete since the last write, observed once their bytes are on their way. */
    const sent: Exchange[] = [];

    /** What one read from the client became (heads rewritten), sent in one write: a write costs far more than a copy. */
    const outgoing: Buffer[] = [];
    const flush = () => {
      if (outgoing.length === 0) return;
      const bytes = outgoing.length === 1 ? outgoing[0]! : Buffer.concat(outgoing);
      outgoing.length = 0;
      if (!unreachable && !server.write(bytes) && !client.isPaused()) {
        client.pause();
        server.once('drain', () => client.resume());
      }
    };
    const requests = new HttpFraming('request', {
      head: (head) => {
        sending = exchangeFor(head);
        pending.push(sending);
        outgoing.push(Buffer.from(head.text.replace(HOST_LINE, hostLine), 'latin1'));
      },
      pass: (bytes) => outgoing.push(bytes),
      body: (data) => sending?.body?.push(data),
      end: () => {
        sending!.requestEnded = true;
        sent.push(sending!);
        sending = undefined;
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
        flush();
        forget(answering ?? pending.shift());
        answering = undefined;
        unobserved.inc({ direction: 'out' });
      },
    }, () => pending[0]?.method);

    /** After a failed connect: the first complete request is answered 502 and the connection closed. */
    const answerUnreachable = () => {
      if (!unreachable || !pending[0]?.requestEnded || client.writableEnded) return;
      client.end(BAD_GATEWAY);
      for (const exchange of pending) forget(exchange);
    };

    client.on('data', (chunk: Buffer) => {
      if (client.writableEnded) return; // answered 502, or the upstream is gone: nothing more is relayed
      requests.push(chunk);
      flush();
      for (const { tap, method, body } of sent) {
        if (!tap || method !== 'POST') continue;
        if (body) observeBody(tap, 'fromClient', body.bytes());
        else unobserved.inc({ direction: 'in' }); // content-encoded
      }
      sent.length = 0;
      answerUnreachable();
    });
    server.on('data', (chunk: Buffer) => {
      if (!client.write(chunk) && !server.isPaused()) {
        server.pause();
        client.once('drain', () => server.resume());
      }
      answers.push(chunk);
    });

    server.once(secure ? 'secureConnect' : 'connect', () => {
      connected = true;
    });
    // The client finished sending (half-close): so do we; answers still flow back.
    client.on('end', () => server.end());
    server.on('end', () => {
      answers.close();
      if (answers.partial || pending.length > 0) upstreamErrors.inc({ reason: 'reset' });
      client.end();
    });
    client.on('error', () => server.destroy());
    server.on('error', () => {
      if (!connected) {
        unreachable = true;
        upstreamErrors.inc({ reason: 'connect' });
        answerUnreachable();
        return;
      }
      if (answers.partial || pending.length > 0) upstreamErrors.inc({ reason: 'reset' });
      client.destroy();
    });
    client.on('close', () => {
      open.delete(client);
      server.destroy();
      forget(answering);
      for (const exchange of pending) forget(exchange);
    });
  };

  return {
    relay,
    get sessions() {
      return sessions.size;
    },
    close() {
      for (const client of open) client.destroy();
      for (const tap of sessions.values()) void tap.close();
    },
  };
}
