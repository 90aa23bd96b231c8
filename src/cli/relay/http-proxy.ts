// `proxy`: a Streamable HTTP reverse proxy in front of an MCP server. Every request goes to the
// same path on the upstream origin, bodies and answers piped through unchanged and unbuffered
// (JSON or SSE, POST, GET streams, DELETE); requests to the upstream's MCP path are observed: the
// POST body (a copy, bounded) and each JSON answer or SSE event go to a tap, one per session
// (Mcp-Session-Id), or one per request where the server keeps no session. Headers, Authorization
// included, pass through and are never logged.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Instrumentation, MessageTap } from '@mcp-observability/instrument';
import { MAX_OBSERVED_BYTES } from './line-splitter.js';
import { observeJson } from './observe.js';
import { relayCounter } from './relay-metrics.js';
import { SseReader } from './sse-reader.js';

/** Connection-level headers (RFC 9110 §7.6.1): they describe one hop, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);
const SESSION_HEADER = 'mcp-session-id';

function forwardedHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const UNREACHABLE = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'upstream MCP server unreachable' } });

export interface McpProxy {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Open sessions being observed. */
  readonly sessions: number;
  close(): void;
}

export function createMcpProxy(upstream: URL, instrumentation: Instrumentation): McpProxy {
  const registry = instrumentation.registry;
  const upstreamErrors = relayCounter(registry, 'mcp_proxy_upstream_errors_total');
  const unobserved = relayCounter(registry, 'mcp_relay_unobserved_messages_total');
  const secure = upstream.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const mcpPath = upstream.pathname;
  const sessions = new Map<string, MessageTap>();

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

  /** Copies the body as it streams past (bounded), for observation once complete. */
  const collect = (stream: NodeJS.ReadableStream, done: (body: Buffer | undefined) => void) => {
    const parts: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OBSERVED_BYTES) parts.push(chunk);
    });
    stream.on('end', () => done(size <= MAX_OBSERVED_BYTES ? Buffer.concat(parts) : undefined));
  };

  const observeBody = (tap: MessageTap, side: 'fromClient' | 'fromServer', body: Buffer | undefined) => {
    const direction = side === 'fromClient' ? 'in' : 'out';
    if (body === undefined || !observeJson(tap, side, body.toString('utf8'), body.length)) unobserved.inc({ direction });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    const observed = (path.split('?')[0] === mcpPath);
    const sessionId = req.headers[SESSION_HEADER];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    // A request outside a known session gets its own tap: kept if the answer names a session, else closed with the answer.
    const tap = observed ? known ?? newTap() : undefined;
    if (tap && !known && typeof sessionId === 'string') sessionTap(sessionId, tap);

    const headers = forwardedHeaders(req.headers);
    headers.host = upstream.host;
    const up = send({ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, path, method: req.method, headers, agent });
    if (tap && req.method === 'POST') collect(req, (body) => observeBody(tap, 'fromClient', body));
    req.pipe(up);

    req.on('error', () => up.destroy());
    up.on('error', () => {
      // Mid-answer breaks are counted by the answer's 'aborted'.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      upstreamErrors.inc({ reason: 'connect' });
      res.writeHead(502, { 'content-type': 'application/json' }).end(UNREACHABLE);
      if (tap && !known) void tap.close();
    });
    // The client went away before the answer ended (closed an SSE stream, timed out): so does the upstream request.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });

    up.on('response', (answer) => {
      const assigned = answer.headers[SESSION_HEADER];
      if (tap && !known && typeof assigned === 'string' && tap.sessionId === undefined) sessionTap(assigned, tap);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardedHeaders(answer.headers));
      // Headers at once: an SSE stream may carry nothing for a long time.
      res.flushHeaders();
      if (tap) observeAnswer(tap, answer);
      answer.pipe(res);
      answer.on('aborted', () => upstreamErrors.inc({ reason: 'reset' }));
      answer.on('error', () => res.destroy());
      answer.on('end', () => {
        if (!tap) return;
        const ended = (req.method === 'DELETE' && answer.statusCode! < 300) || (known !== undefined && answer.statusCode === 404);
        if (ended || tap.sessionId === undefined) void tap.close();
      });
    });
  };

  const observeAnswer = (tap: MessageTap, answer: IncomingMessage) => {
    const type = answer.headers['content-type'] ?? '';
    if (answer.headers['content-encoding'] !== undefined && answer.headers['content-encoding'] !== 'identity') {
      unobserved.inc({ direction: 'out' });
    } else if (type.startsWith('text/event-stream')) {
      const events = new SseReader(
        (data) => {
          if (!observeJson(tap, 'fromServer', data, Buffer.byteLength(data))) unobserved.inc({ direction: 'out' });
        },
        () => unobserved.inc({ direction: 'out' }),
      );
      answer.on('data', (chunk: Buffer) => events.push(chunk));
    } else if (type.startsWith('application/json')) {
      collect(answer, (body) => observeBody(tap, 'fromServer', body));
    }
  };

  return {
    handle,
    get sessions() {
      return sessions.size;
    },
    close() {
      for (const tap of sessions.values()) void tap.close();
      agent.destroy();
    },
  };
}
