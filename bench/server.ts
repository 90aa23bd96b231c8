// The reference server's tools under test, run as their own process so CPU can be read from /proc:
//   tsx bench/server.ts --variant baseline --transport http   (prints {"ready":<port>} on stderr)
//   tsx bench/server.ts --variant full --transport stdio
// HTTP: stateful Streamable HTTP on 127.0.0.1 (/mcp) plus /metrics; stdio: MCP on stdin/stdout.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createVariant, isVariant, VARIANTS, type Instrumentation } from './variants.js';
import { referenceServer } from './workload.js';

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function serveHttp(instr: Instrumentation, port: number): Promise<number> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    try {
      if (req.url === '/metrics') {
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(await instr.render());
        return;
      }
      instr.onHttpRequest?.(req, res);
      if (req.url !== '/mcp') { res.writeHead(404).end(); return; }
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
      if (!transport) {
        if (sid !== undefined || !isInitializeRequest(body)) {
          res.writeHead(sid ? 404 : 400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', error: { code: sid ? -32001 : -32000, message: 'no valid session' }, id: null }));
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => { sessions.set(id, created); },
          onsessionclosed: (id) => { sessions.delete(id); },
        });
        instr.wrap(created, 'http');
        await referenceServer(instr.toolContext).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  });
  // Under valgrind on a busy machine the load generator can stall past Node's 5 s keep-alive
  // timeout between a response and its next request: the server closes the socket as the request
  // arrives and the call fails (ECONNRESET). Connections here end with the run.
  http.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('HTTP server has no port');
  return address.port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    variant: { type: 'string', default: 'baseline' },
    transport: { type: 'string', default: 'http' },
    port: { type: 'string', default: '0' },
  } });
  if (!isVariant(values.variant)) throw new Error(`--variant must be one of ${VARIANTS.join(', ')}, got ${values.variant}`);
  const instr = await createVariant(values.variant);
  process.once('SIGTERM', () => void instr.close().then(() => process.exit(0)));
  if (values.transport === 'stdio') {
    const transport = new StdioServerTransport();
    instr.wrap(transport, 'stdio');
    await referenceServer(instr.toolContext).connect(transport);
    process.stderr.write(JSON.stringify({ ready: 'stdio' }) + '\n');
  } else if (values.transport === 'http') {
    const port = await serveHttp(instr, Number(values.port));
    process.stderr.write(JSON.stringify({ ready: port }) + '\n');
  } else {
    throw new Error(`--transport must be http or stdio, got ${values.transport}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench server: ${String(err)}\n`);
    process.exit(1);
  });
}
