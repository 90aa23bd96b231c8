// Runnable example for docs/instrumentation.md: an existing stdio McpServer, instrumented.
//   npm run example:stdio   (speaks MCP on stdin/stdout; metrics on 127.0.0.1:9464)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { createInstrumentation } from '@mcp-observability/instrument';

const server = new McpServer({ name: 'weather', version: '1.0.0' });
server.registerTool('forecast', { description: 'Forecast for a city', inputSchema: { city: z.string() } },
  async ({ city }) => ({ content: [{ type: 'text', text: `${city}: sunny` }] }));

// The three added lines: create, wrap the transport before connect, serve /metrics on loopback.
const instr = createInstrumentation({ server, auditFile: process.env.AUDIT_FILE });
await server.connect(instr.instrumentTransport(new StdioServerTransport(), { kind: 'stdio' }));
const metrics = await instr.serveMetrics({ port: Number(process.env.METRICS_PORT ?? 9464) });
instr.logger.notice('metrics listening', { url: `${metrics.url}/metrics` });
