// `mcp-observability proxy --upstream URL --listen HOST:PORT`: a Streamable HTTP reverse proxy
// that observes an MCP server; clients connect to the proxy instead of the server. Runs until
// SIGTERM or SIGINT.
//
// Two threads: the main thread relays (tcp-proxy.ts) and puts every chunk in a shared ring; a
// worker observes them (proxy-observer-main.ts) and owns the instrumentation, its /metrics port,
// logs and audit trail. On Linux the worker runs at nice 10: on a busy machine the observation
// waits, not the bytes.
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { setPriority } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEventRing, RingWriter } from '../relay/byte-ring.js';
import { INSTRUMENTATION_OPTIONS, INSTRUMENTATION_USAGE, instrumentationProblem } from '../relay/instrumentation-options.js';
import { startModuleWorker } from '../relay/module-worker.js';
import { eventTag } from '../relay/proxy-events.js';
import type { ObserverData, ObserverReady } from '../relay/proxy-observer-main.js';
import { createMcpRelay } from '../relay/tcp-proxy.js';
import { parseListen } from '../relay/listen-address.js';
import { UsageError } from './usage-error.js';

/** The observer's entry module, beside the relay's (.ts under tsx, .js once compiled). */
const OBSERVER_MAIN = new URL(`../relay/proxy-observer-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
/** The nice value of the observing worker's threads. */
const OBSERVER_NICE = 10;

/** The process's thread ids (Linux; elsewhere none: a nice value there would belong to the whole process). */
const threadIds = (): string[] => (process.platform === 'linux' ? readdirSync('/proc/self/task') : []);

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
  const problem = instrumentationProblem(values);
  if (problem !== undefined) throw new UsageError(problem, PROXY_USAGE);

  const { buffer, ring } = createEventRing();
  const events = new RingWriter(buffer, ring);
  // A socket read is at most 64 KiB, well within a ring record.
  const relay = createMcpRelay(upstream, (connection, event, bytes) => events.write(eventTag(connection, event), bytes, performance.now()));
  const threadsBefore = new Set(threadIds());
  const observer = startModuleWorker(OBSERVER_MAIN, { values, upstream: upstream.href, buffer, ring, timeOrigin: performance.timeOrigin } satisfies ObserverData);
  // Without its observer the relay would stop at the first full ring: a proxy that cannot observe stops, loudly.
  const observerStopped = new Promise<string>((resolve) => {
    observer.once('error', (err) => resolve(err.message));
    observer.once('exit', (code) => resolve(`exited (${code})`));
  });
  const ready = await Promise.race([new Promise<ObserverReady>((resolve) => observer.once('message', resolve)),
    observerStopped.then((why): ObserverReady => ({ error: `the observing thread stopped: ${why}` }))]);
  if ('error' in ready) {
    console.error(`mcp-observability proxy: ${ready.error}`);
    await observer.terminate();
    return 1;
  }
  for (const tid of threadIds()) {
    if (threadsBefore.has(tid)) continue;
    try {
      setPriority(Number(tid), OBSERVER_NICE);
    } catch {
      // Gone since it was listed: nothing to lower.
    }
  }

  // Half-open: a client that finished sending still gets its answers.
  const server = createServer({ allowHalfOpen: true }, relay.relay);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  console.error(`mcp-observability proxy: listening on http://${host}:${bound.port} for ${upstream.href}; metrics on ${ready.metrics}/metrics (pid ${process.pid})`);
  const lost = await Promise.race([observerStopped, new Promise<undefined>((resolve) => {
    process.once('SIGTERM', () => resolve(undefined));
    process.once('SIGINT', () => resolve(undefined));
  })]);
  if (lost !== undefined) {
    console.error(`mcp-observability proxy: the observing thread stopped (${lost}); stopping`);
    return 1;
  }
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  relay.close();
  // Every connection's end is in the ring before the worker is told to finish.
  await serverClosed;
  // The worker observes what is left, closes the sessions, logs and audit trail, and says so.
  const closed = new Promise<void>((resolve) => observer.once('message', () => resolve()));
  observer.postMessage('close');
  await closed;
  return 0;
}
