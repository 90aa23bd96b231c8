// Starts the reference server in the chosen transport and stops it cleanly on SIGTERM/SIGINT
// (the local stack stops processes by PID with SIGTERM): sessions closed, logs flushed.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { FaultState } from './faults/fault-state.js';
import { parseFaultJson } from './faults/fault-spec.js';
import { createHttpApp, type HttpApp } from './http-app.js';
import { buildMcpServer } from './mcp-server.js';
import type { ServerOptions } from './options.js';
import { SAMPLE_TOOL_NAMES, type ToolContext } from './tools/index.js';

/** Shutdown must finish within this, or the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;

export async function runSampleServer(options: ServerOptions): Promise<void> {
  const logFile = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const logStream = logFile ?? process.stderr;
  const log = (event: string, fields: Record<string, unknown>) =>
    logStream.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);

  const faults = new FaultState();
  if (process.env.MCP_FAULTS) faults.apply(parseFaultJson(process.env.MCP_FAULTS, 'MCP_FAULTS', SAMPLE_TOOL_NAMES));
  const context: ToolContext = { reportTokens: (tool, usage) => log('tokens', { tool, ...usage }) };
  const newMcpServer = () => buildMcpServer(faults, context);

  let app: HttpApp | undefined;
  let port = options.port;
  if (options.transport === 'http') {
    app = createHttpApp({ faults, log, mcp: { newMcpServer, idleTimeoutMs: options.idleTimeoutSeconds * 1000 } });
  } else {
    const transport = new StdioServerTransport();
    await newMcpServer().connect(transport);
    process.stdin.once('end', () => void shutdown('stdin closed'));
    if (options.metricsPort !== undefined) {
      app = createHttpApp({ faults, log });
      port = options.metricsPort;
    }
  }
  if (app) {
    app.server.listen(port, options.host);
    await once(app.server, 'listening');
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : port;
  }
  log('started', { transport: options.transport, host: options.host, port: app ? port : undefined, profile: options.profile,
    pid: process.pid, faults: faults.snapshot() });

  let stopping = false;
  async function shutdown(reason: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log('stopping', { reason });
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    if (app) {
      await app.closeSessions();
      app.server.closeAllConnections();
      await new Promise((resolve) => app!.server.close(resolve));
    }
    faults.clear();
    log('stopped', {});
    if (logFile) await new Promise<void>((resolve) => logFile.end(resolve));
    process.exit(0);
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
