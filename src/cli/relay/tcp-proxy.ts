// `proxy`'s relaying thread: a Streamable HTTP reverse proxy in front of an MCP server, relaying at
// the TCP level. Each client connection gets its own upstream connection and the bytes are written
// straight through both ways as they arrive (with backpressure); only request heads are rewritten,
// their Host made the upstream's. Every chunk, and each connection's opening and ending, is put in
// the observer's ring (proxy-events.ts) before it is written on, so a message is recorded before
// its answer can exist; the observation itself runs in a worker (proxy-observer.ts), off this
// thread. Headers, Authorization included, pass through and are never logged.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { HttpFraming } from './http-framing.js';
import { PROXY_EVENT, type ProxyEventKind } from './proxy-events.js';

const HOST_LINE = /\r\nhost:[^\r]*/i;

const UNREACHABLE = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'upstream MCP server unreachable' } });
const BAD_GATEWAY = Buffer.from(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: application/json\r\ncontent-length: ${UNREACHABLE.length}\r\nconnection: close\r\n\r\n${UNREACHABLE}`);
const NO_BYTES = Buffer.alloc(0);

/** Hands one event of connection `connection` to the observer. */
export type PublishEvent = (connection: number, event: ProxyEventKind, bytes: Buffer) => void;

export interface McpRelay {
  /** Relays one accepted client connection to a new upstream connection. */
  relay(client: Socket): void;
  /** Drops every relayed connection. */
  close(): void;
}

export function createMcpRelay(upstream: URL, publish: PublishEvent): McpRelay {
  const secure = upstream.protocol === 'https:';
  const host = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(upstream.port || (secure ? 443 : 80));
  const hostLine = `\r\nHost: ${upstream.host}`;
  const open = new Set<Socket>();
  let connections = 0;

  const relay = (client: Socket): void => {
    const id = connections++;
    publish(id, PROXY_EVENT.opened, NO_BYTES);
    open.add(client);
    client.setNoDelay(true);
    const server: Socket = secure
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }) })
      : netConnect({ host, port, allowHalfOpen: true });
    server.setNoDelay(true);
    let connected = false;
    let unreachable = false;
    /** Requests read whole from the client (the first is answered 502 when the upstream is unreachable). */
    let completeRequests = 0;
    /** The request being read asks to switch protocols: once it is sent, the rest passes unread. */
    let switching = false;

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
    // Only for the Host line: which request asks to switch protocols is all this thread needs to
    // know of them (the observer reads the answers; a switch it sees there changes nothing here).
    const requests = new HttpFraming('request', {
      head: (head) => {
        switching = head.startLine[0] === 'CONNECT' || head.headers.has('upgrade');
        outgoing.push(Buffer.from(head.text.replace(HOST_LINE, hostLine), 'latin1'));
      },
      pass: (bytes) => outgoing.push(bytes),
      body: () => {},
      end: () => {
        completeRequests++;
        if (switching) requests.passThrough();
      },
      opaque: () => {},
    });

    /** After a failed connect: the first complete request is answered 502 and the connection closed. */
    const answerUnreachable = () => {
      if (!unreachable || completeRequests === 0 || client.writableEnded) return;
      client.end(BAD_GATEWAY);
    };

    client.on('data', (chunk: Buffer) => {
      if (client.writableEnded) return; // answered 502, or the upstream is gone: nothing more is relayed
      publish(id, PROXY_EVENT.fromClient, chunk);
      requests.push(chunk);
      flush();
      answerUnreachable();
    });
    server.on('data', (chunk: Buffer) => {
      publish(id, PROXY_EVENT.fromServer, chunk);
      if (!client.write(chunk) && !server.isPaused()) {
        server.pause();
        client.once('drain', () => server.resume());
      }
    });

    server.once(secure ? 'secureConnect' : 'connect', () => {
      connected = true;
    });
    // The client finished sending (half-close): so do we; answers still flow back.
    client.on('end', () => server.end());
    server.on('end', () => {
      publish(id, PROXY_EVENT.upstreamEnded, NO_BYTES);
      client.end();
    });
    client.on('error', () => server.destroy());
    server.on('error', () => {
      if (!connected) {
        unreachable = true;
        publish(id, PROXY_EVENT.unreachable, NO_BYTES);
        answerUnreachable();
        return;
      }
      publish(id, PROXY_EVENT.upstreamBroke, NO_BYTES);
      client.destroy();
    });
    client.on('close', () => {
      open.delete(client);
      server.destroy();
      publish(id, PROXY_EVENT.closed, NO_BYTES);
    });
  };

  return {
    relay,
    close() {
      for (const client of open) client.destroy();
    },
  };
}
