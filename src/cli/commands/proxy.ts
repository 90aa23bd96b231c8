// `mcp-observability proxy --upstream URL --listen HOST:PORT`: a Streamable HTTP reverse proxy
// that observes an MCP server; clients connect to the proxy instead of the server. Runs until
// SIGTERM or SIGINT.
import { createServer, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { INSTRUMENTATION_OPTIONS, INSTRUMENTATION_USAGE, instrumentationFrom } from '../relay/instrumentation-options.js';
import { createMcpProxy } from '../relay/tcp-proxy.js';
import { parseListen } from '../relay/listen-address.js';
import { UsageError } from './usage-error.js';

export const PROXY_USAGE = `usage: mcp-observability proxy --upstream URL --listen HOST:PORT [options]
  --upstream URL     the MCP server's Streamable HTTP endpoint (e.g. http://127.0.0.1:8080/mcp);
                     every path is forwarded to its origin, the endpoint's path is observed
  --listen HOST:PORT where clients connect instead (e.g. 127.0.0.1:8081)
${INSTRUMENTATION_USAGE}`;

export async function proxyCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...INSTRUMENTATION_OPTIONS, upstream: { type: 'string' }, listen: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, PROXY_USAGE);
  }
  if (values.help) {
    console.log(PROXY_USAGE);
    return 0;
  }
  let upstream: URL;
  try {
    upstream = new URL(values.upstream ?? '');
  } catch {
    throw new UsageError(`--upstream: expected an http(s) URL, got "${values.upstream ?? ''}"`, PROXY_USAGE);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new UsageError(`--upstream: expected an http(s) URL, got "${values.upstream}"`, PROXY_USAGE);
  const listen = parseListen(values.listen ?? '');
  if (!listen) throw new UsageError(`--listen: expected HOST:PORT, got "${values.listen ?? ''}"`, PROXY_USAGE);
  const made = instrumentationFrom(values);
  if (typeof made === 'string') throw new UsageError(made, PROXY_USAGE);
  const { instrumentation, port } = made;

  const proxy = createMcpProxy(upstream, instrumentation);
  // Half-open: a client that finished sending still gets its answers.
  const server = createServer({ allowHalfOpen: true }, proxy.relay);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const metrics = await instrumentation.serveMetrics({ port, host: values['metrics-host'] });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  console.error(`mcp-observability proxy: listening on http://${host}:${bound.port} for ${upstream.href}; metrics on ${metrics.url}/metrics (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  server.close();
  proxy.close();
  await metrics.close();
  await instrumentation.close();
  return 0;
}
