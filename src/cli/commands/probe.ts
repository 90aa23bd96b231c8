// `mcp-observability probe --listen HOST:PORT [--config FILE]`: a blackbox prober for MCP servers
// in the manner of blackbox_exporter. Prometheus scrapes /probe?target=URL&module=NAME; each
// scrape runs one synthetic session against the target and answers with its result.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { probeExposition } from '../probe/exposition.js';
import { BUILT_IN_MODULES, loadModules, type ProbeModule } from '../probe/modules.js';
import { runProbe } from '../probe/run-probe.js';
import { parseListen } from '../relay/listen-address.js';
import { UsageError } from './usage-error.js';

const DEFAULT_MODULE = 'mcp_initialize';

export const PROBE_USAGE = `usage: mcp-observability probe --listen HOST:PORT [--config FILE]
  Serves /probe?target=URL&module=NAME: one synthetic MCP session per scrape (handshake,
  tools/list, optionally one tool call), answered with probe_success and per-phase durations.
  --listen HOST:PORT  where Prometheus scrapes (e.g. 127.0.0.1:9470)
  --config FILE       YAML with more modules (era, timeout_seconds, tool_call, headers)
  built-in modules: ${Object.keys(BUILT_IN_MODULES).join(', ')} (default ${DEFAULT_MODULE})`;

export function probeHandler(modules: Record<string, ProbeModule>, report: (line: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://prober');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url.pathname !== '/probe') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const moduleName = url.searchParams.get('module') ?? DEFAULT_MODULE;
    const module = modules[moduleName];
    let target: URL | undefined;
    try {
      target = new URL(url.searchParams.get('target') ?? '');
    } catch { /* answered below */ }
    if (!module || !target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
      res.writeHead(400, { 'content-type': 'text/plain' })
        .end(module ? 'target: expected an http(s) URL of an MCP endpoint\n' : `module: unknown "${moduleName}" (have ${Object.keys(modules).join(', ')})\n`);
      return;
    }
    const result = await runProbe(target, module);
    const failed = result.phases.find((p) => !p.ok);
    if (failed) report(`probe ${target.href} module=${moduleName}: ${failed.phase} failed: ${failed.error}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(await probeExposition(result));
  };
}

export async function probeCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { listen: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message, PROBE_USAGE);
  }
  if (values.help) {
    console.log(PROBE_USAGE);
    return 0;
  }
  const listen = parseListen(values.listen ?? '');
  if (!listen) throw new UsageError(`--listen: expected HOST:PORT, got "${values.listen ?? ''}"`, PROBE_USAGE);
  let modules: Record<string, ProbeModule>;
  try {
    modules = loadModules(values.config);
  } catch (err) {
    throw new UsageError((err as Error).message, PROBE_USAGE);
  }
  const handle = probeHandler(modules, (line) => console.error(line));
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => { if (!res.headersSent) res.writeHead(500).end(`${String(err)}\n`); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  console.error(`mcp-observability probe: listening on http://${listen.host}:${port}/probe (modules ${Object.keys(modules).join(', ')}; pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  server.closeAllConnections();
  server.close();
  return 0;
}
