// Starts the reference server in the chosen transport, instrumented with the library, and stops
// it cleanly on SIGTERM/SIGINT (the local stack stops processes by PID with SIGTERM): sessions
// closed (their durations recorded), logs and audit flushed.
import { once } from 'node:events';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createInstrumentation, type Instrumentation } from '@mcp-observability/instrument';
import { FaultState } from './faults/fault-state.js';
import { parseFaultJson } from './faults/fault-spec.js';
import { createHttpApp, type HttpApp } from './http-app.js';
import { buildMcpServer, buildMcpServerV2 } from './mcp-server.js';
import { ToolDefinitions } from './tool-definitions.js';
import type { ServerOptions } from './options.js';
import { SAMPLE_TOOL_NAMES, SAMPLE_TOOLS, type ToolContext } from './tools/index.js';

/** Shutdown must finish within this, or the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;
/** Sessions count as idle (mcp_idle_sessions) after this, or after half the idle timeout when that is shorter. */
const IDLE_AFTER_SECONDS = 300;

export async function runSampleServer(options: ServerOptions): Promise<void> {
  // Parse faults first: a bad MCP_FAULTS must stop the start before anything listens.
  const faults = new FaultState();
  if (process.env.MCP_FAULTS) faults.apply(parseFaultJson(process.env.MCP_FAULTS, 'MCP_FAULTS', SAMPLE_TOOL_NAMES));

  const idle = options.idleTimeoutSeconds;
  const tools = new ToolDefinitions(SAMPLE_TOOLS);
  // Tools report tokens through the instrumentation, which is created with a server built from them.
  const context: ToolContext = { reportTokens: (usage, call) => instrumentation.reportTokens(usage, call) };
  const newMcpServer = () => buildMcpServer(faults, tools, context);
  const instrumentation: Instrumentation = createInstrumentation({
    profile: options.profile,
    // A never-connected server holding the definitions in force: the drift baseline at start-up, and
    // admin changes are seen at once even while no session is open.
    server: newMcpServer(),
    idleAfterSeconds: idle > 0 ? Math.min(IDLE_AFTER_SECONDS, idle / 2) : IDLE_AFTER_SECONDS,
    idleSessionLimitSeconds: idle > 0 ? idle : Number.POSITIVE_INFINITY,
    auditFile: options.auditFile,
    log: options.logFile ? { file: options.logFile } : 'stderr',
    tracing: options.otlpEndpoint ? { endpoint: options.otlpEndpoint, serviceName: 'mcp-sample-server' } : undefined,
    maxToolResponseBytes: options.maxResponseBytes,
    redactToolResults: true,
    rateLimit: options.rateLimit ? { perClient: options.rateLimit } : undefined,
  });
  const { logger } = instrumentation;

  // SDK 2.x's serving entries build and connect a server per request (HTTP) or connection (stdio) themselves.
  const newMcpServerV2 = (kind: 'http' | 'stdio') => () => instrumentation.instrumentServer(buildMcpServerV2(faults, tools, context), { kind });
  let app: HttpApp | undefined;
  let port = options.port;
  if (options.transport === 'http' && options.sdk === 2) {
    const mcpV2 = toNodeHandler(createMcpHandler(newMcpServerV2('http')));
    app = createHttpApp({ faults, tools, instrumentation, mcpV2, jwt: options.jwt });
  } else if (options.transport === 'http') {
    app = createHttpApp({ faults, tools, instrumentation, newMcpServer, jwt: options.jwt });
  } else {
    if (options.sdk === 2) {
      serveStdio(newMcpServerV2('stdio'));
    } else {
      const server = newMcpServer();
      await server.connect(instrumentation.instrumentTransport(new StdioServerTransport(), { kind: 'stdio', server }));
    }
    process.stdin.once('end', () => void shutdown('stdin closed'));
    if (options.metricsPort !== undefined) {
      app = createHttpApp({ faults, tools, instrumentation });
      port = options.metricsPort;
    }
  }
  if (app) {
    app.server.listen(port, options.host);
    await once(app.server, 'listening');
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : port;
  }
  logger.info('sample server started', { transport: options.transport, sdk: options.sdk, host: options.host, port: app ? port : undefined,
    profile: options.profile, pid: process.pid, faults: faults.snapshot(),
    auth: options.jwt ? `jwt (iss ${options.jwt.issuer}, aud ${options.jwt.audience}, scope ${options.jwt.scope})` : 'none' });
  // The start line must reach the log before anything else happens (scripts and tests wait for it).
  logger.flush();

  let stopping = false;
  async function shutdown(reason: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info('sample server stopping', { reason });
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    instrumentation.shuttingDown();
    if (app) {
      await app.closeSessions();
      app.server.closeAllConnections();
      await new Promise((resolve) => app!.server.close(resolve));
    }
    faults.clear();
    logger.info('sample server stopped', {});
    await instrumentation.close();
    process.exit(0);
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
