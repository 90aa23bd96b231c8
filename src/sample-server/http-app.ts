// Streamable HTTP front door: one port serving /mcp (stateful sessions keyed by Mcp-Session-Id),
// the instrumentation's /metrics, /health and /ready, and the loopback-only fault admin API,
// behind DNS-rebinding checks. Without `mcp` it is the stdio mode's metrics/admin port.
// On SDK 2.x, /mcp is the SDK's own handler: both protocol eras, no sessions.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { NodeMcpRequestHandler } from '@modelcontextprotocol/node';
import type { Instrumentation } from '@mcp-observability/instrument';
import { faultsResource } from './admin-faults.js';
import { handleAdmin } from './admin-resource.js';
import { toolsResource } from './admin-tools.js';
import { checkBearer } from './auth/bearer.js';
import type { JwtPolicy } from './auth/jwt.js';
import type { FaultState } from './faults/fault-state.js';
import { rebindingViolation } from './http-guards.js';
import { BodyTooLarge, readBody, sendJson, sendJsonRpcError } from './http-io.js';
import type { ToolDefinitions } from './tool-definitions.js';

export interface HttpAppOptions {
  faults: FaultState;
  /** Tool descriptions in force (admin API /admin/tools). */
  tools: ToolDefinitions;
  instrumentation: Instrumentation;
  /** Serve MCP on /mcp (HTTP mode); absent on the stdio mode's metrics port. */
  newMcpServer?: () => McpServer;
  /** SDK 2.x: serves /mcp instead (createMcpHandler behind toNodeHandler); the body arrives parsed. */
  mcpV2?: NodeMcpRequestHandler;
  /** When set, /mcp requires a valid JWT bearer token (RFC 6750 answers otherwise). */
  jwt?: JwtPolicy;
}

export interface HttpApp {
  server: Server;
  /** Open sessions by Mcp-Session-Id. */
  sessions: ReadonlyMap<string, StreamableHTTPServerTransport>;
  /** Closes every open session; each records its duration. */
  closeSessions(): Promise<void>;
}

const METRICS_PATHS = new Set(['/metrics', '/health', '/ready']);
const messagesOf = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);
const isInitializeAttempt = (body: unknown): boolean =>
  messagesOf(body).some((m) => typeof m === 'object' && m !== null && (m as { method?: unknown }).method === 'initialize');

export function createHttpApp({ faults, tools, instrumentation, newMcpServer, mcpV2, jwt }: HttpAppOptions): HttpApp {
  const faultsAdmin = faultsResource(faults);
  const toolsAdmin = toolsResource(tools);
  const { logger } = instrumentation;
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const server = newMcpServer!();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    instrumentation.instrumentTransport(transport, { kind: 'http', server });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handleMcp(req: IncomingMessage & { body?: unknown; auth?: AuthInfo }, res: ServerResponse): Promise<void> {
    if (jwt) {
      const result = checkBearer(req, jwt);
      if (!result.ok) {
        instrumentation.authFailure(result.reason, { client: result.clientId, req });
        res.setHeader('www-authenticate', result.challenge);
        return sendJsonRpcError(res, result.status, -32001, result.description);
      }
      // The SDK transport passes req.auth to handlers as authInfo (identity in audit and log lines).
      req.auth = result.auth;
    }
    const sessionId = req.headers['mcp-session-id'];
    if (req.method === 'POST') {
      try {
        // Kept on req so the instrumentation's rejection middleware can label rejections by method.
        req.body = JSON.parse(await readBody(req));
      } catch (err) {
        if (err instanceof BodyTooLarge) return sendJsonRpcError(res, 413, -32600, err.message);
        return sendJsonRpcError(res, 400, -32700, `Parse error: ${(err as Error).message}`);
      }
    }
    if (mcpV2) return mcpV2(req, res, req.body);
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) return sendJsonRpcError(res, 404, -32001, 'Session not found');
      return transport.handleRequest(req, res, req.body);
    }
    if (req.method === 'POST' && isInitializeAttempt(req.body)) {
      if (!messagesOf(req.body).some(isInitializeRequest)) {
        return sendJsonRpcError(res, 400, -32602,
          'Invalid initialize request: params need protocolVersion, capabilities and clientInfo {name, version}');
      }
      return openSession(req, res, req.body);
    }
    return sendJsonRpcError(res, 400, -32000, 'Bad Request: no Mcp-Session-Id header; send initialize first');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const onMcp = path === '/mcp' && (newMcpServer !== undefined || mcpV2 !== undefined);
    // On /mcp the middleware reports every answer given before the transport (bad Host included).
    if (onMcp) instrumentation.httpMiddleware(req, res);
    const violation = rebindingViolation(req);
    if (violation) {
      if (!onMcp) instrumentation.httpRejection(violation.reason);
      return sendJsonRpcError(res, 403, -32000, violation.message);
    }
    if (onMcp) return handleMcp(req, res);
    if (METRICS_PATHS.has(path)) return instrumentation.metricsHandler(req, res);
    if (path === '/admin/faults') return handleAdmin(req, res, faultsAdmin, logger);
    if (path === '/admin/tools') return handleAdmin(req, res, toolsAdmin, logger);
    sendJson(res, 404, { error: `no route for ${path}; paths: ${newMcpServer || mcpV2 ? '/mcp, ' : ''}/metrics, /health, /ready, /admin/faults, /admin/tools` });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      logger.error('http request failed', { path: req.url, error: err.message });
      if (!res.headersSent) sendJsonRpcError(res, 500, -32603, 'Internal error');
      else res.end();
    });
  });

  return {
    server,
    sessions,
    async closeSessions() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
    },
  };
}
