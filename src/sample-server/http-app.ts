// Streamable HTTP front door: one port serving /mcp (stateful sessions keyed by Mcp-Session-Id),
// the metrics endpoints and the loopback-only fault admin API, behind DNS-rebinding checks.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { handleAdminFaults } from './admin-faults.js';
import type { FaultState } from './faults/fault-state.js';
import { rebindingViolation } from './http-guards.js';
import { BodyTooLarge, readBody, sendJson, sendJsonRpcError } from './http-io.js';

export interface HttpAppOptions {
  faults: FaultState;
  /** Serve MCP on /mcp (HTTP mode); absent on the stdio mode's metrics port. */
  mcp?: {
    newMcpServer: () => McpServer;
    /** Sessions silent for longer than this are closed; 0 keeps them until the client leaves. */
    idleTimeoutMs: number;
  };
  log: (event: string, fields: Record<string, unknown>) => void;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
}

export interface HttpApp {
  server: Server;
  sessions: ReadonlyMap<string, Session>;
  /** Closes every open session (each records its duration), then stops the idle sweeper. */
  closeSessions(): Promise<void>;
}

const isInitializeAttempt = (body: unknown): boolean =>
  (Array.isArray(body) ? body : [body]).some((m) => typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'initialize');

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { faults, mcp, log } = options;
  const sessions = new Map<string, Session>();

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, lastSeen: Date.now() });
        log('session_opened', { session: id });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId && sessions.delete(transport.sessionId)) log('session_closed', { session: transport.sessionId });
    };
    await mcp!.newMcpServer().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        if (err instanceof BodyTooLarge) return sendJsonRpcError(res, 413, -32600, err.message);
        return sendJsonRpcError(res, 400, -32700, `Parse error: ${(err as Error).message}`);
      }
    }
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendJsonRpcError(res, 404, -32001, 'Session not found');
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method === 'POST' && isInitializeAttempt(body)) {
      if (!(Array.isArray(body) ? body : [body]).some(isInitializeRequest)) {
        return sendJsonRpcError(res, 400, -32602, 'Invalid initialize request: params need protocolVersion, capabilities and clientInfo {name, version}');
      }
      return openSession(req, res, body);
    }
    return sendJsonRpcError(res, 400, -32000, 'Bad Request: no Mcp-Session-Id header; send initialize first');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const violation = rebindingViolation(req);
    if (violation) return sendJsonRpcError(res, 403, -32000, violation.message);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/mcp' && mcp) return handleMcp(req, res);
    if (path === '/admin/faults') return handleAdminFaults(req, res, faults, log);
    sendJson(res, 404, { error: `no route for ${path}; paths: /mcp, /metrics, /health, /ready, /admin/faults` });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      log('http_error', { path: req.url, message: err.message });
      if (!res.headersSent) sendJsonRpcError(res, 500, -32603, 'Internal error');
      else res.end();
    });
  });

  const idleTimeoutMs = mcp?.idleTimeoutMs ?? 0;
  const sweeper = idleTimeoutMs > 0
    ? setInterval(() => {
      const cutoff = Date.now() - idleTimeoutMs;
      for (const [id, s] of sessions) {
        if (s.lastSeen < cutoff) {
          log('session_idle_closed', { session: id, idleMs: Date.now() - s.lastSeen });
          void s.transport.close();
        }
      }
    }, Math.min(idleTimeoutMs, 5_000)).unref()
    : undefined;

  return {
    server,
    sessions,
    async closeSessions() {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((s) => s.transport.close()));
    },
  };
}
