// `npm run bench:relay`: what wrap (stdio) and proxy (Streamable HTTP) add per message, against
// direct connections to the same real server in the same run. A raw JSON-RPC client makes one
// tools/call at a time; rounds alternate direct and relayed so load on the machine hits both.
// Added latency per message = (relayed − direct round trip) / 2 (a call is a request and a
// response); relay CPU per message from /proc/<pid>/stat of the relay's processes (wrap's are two:
// the launcher the client starts and its child, the relay; the server is not counted).
// Server: the Go SDK's everything server (`npm run peers`), fast and steady, so the relay dominates.
// `--floors` adds relays that observe nothing, measured the same way: what any relay of that
// kind costs on this machine before it does any of wrap's or proxy's work (bench/relay-floors/).
// wrap and proxy run as compiled by tsc (bench/compiled.ts), as an installed CLI runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { LineSplitter } from '../src/cli/relay/line-splitter.js';
import { readPeers, requirePeerBin } from '../src/stack-runtime/peers-manifest.js';
import { freePort } from '../test/peers/support/process.js';
import { compileRepository } from './compiled.js';
import { BENCH_DIR, OUT_DIR } from './harness.js';

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const CALLS = Number(process.env.CALLS ?? 400);
const WARMUP = 200;
const server = requirePeerBin(readPeers(), 'go-sdk-everything');
const FLOORS = process.argv.includes('--floors');
const FLOOR_DIR = join(BENCH_DIR, 'relay-floors');
const CALL = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'greet', arguments: { name: 'bench' } } });
const INIT = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };

const TICKS = 100; // USER_HZ on Linux
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The process and its children: wrap's launcher and relay. */
function withChildren(pid: number): number[] {
  return [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)];
}
const alone = (pid: number) => [pid];
const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

interface Variant { rtts: number[]; cpu: number; messages: number }
const variant = (): Variant => ({ rtts: [], cpu: 0, messages: 0 });

/** One stdio session: spawn, initialize, CALLS timed calls; returns round trips in µs and the relay's CPU. */
async function stdioRound(argv: string[], relayed: ((pid: number) => number[]) | undefined, into: Variant): Promise<void> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', relayed ? 'pipe' : 'ignore'] });
  let waiting: ((line: Buffer) => void) | undefined;
  const lines = new LineSplitter((line) => waiting?.(line), () => {});
  child.stdout!.on('data', (c: Buffer) => lines.push(c));
  child.stderr?.resume();
  const call = (message: object) => new Promise<Buffer>((resolve) => {
    waiting = resolve;
    child.stdin!.write(`${JSON.stringify(message)}\n`);
  });
  await call(INIT);
  child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  for (let i = 1; i <= WARMUP; i++) await call(CALL(i));
  const pids = relayed?.(child.pid!) ?? [];
  const cpu0 = cpuOf(pids);
  for (let i = 1; i <= CALLS; i++) {
    const t0 = process.hrtime.bigint();
    await call(CALL(WARMUP + i));
    into.rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  into.cpu += cpuOf(pids) - cpu0;
  into.messages += 2 * CALLS;
  await stop(child);
}

async function stop(child: ChildProcess): Promise<void> {
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.stdin?.end();
  child.kill('SIGTERM');
  await closed;
}

async function post(url: string, message: object, headers: Record<string, string>) {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(message) });
  await answer.text();
  return answer;
}

async function httpRound(url: string, relayPid: number | undefined, into: Variant): Promise<void> {
  const init = await post(url, INIT, {});
  const headers = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' };
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  for (let i = 1; i <= WARMUP; i++) await post(url, CALL(i), headers);
  const cpu0 = relayPid ? cpuSeconds(relayPid) : 0;
  for (let i = 1; i <= CALLS; i++) {
    const t0 = process.hrtime.bigint();
    await post(url, CALL(WARMUP + i), headers);
    into.rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  if (relayPid) into.cpu += cpuSeconds(relayPid) - cpu0;
  into.messages += 2 * CALLS;
  await fetch(url, { method: 'DELETE', headers });
}

function report(name: string, direct: Variant, relayed: Variant, target: number): string {
  const d = [...direct.rtts].sort((a, b) => a - b);
  const r = [...relayed.rtts].sort((a, b) => a - b);
  const added = (q: number) => (quantile(r, q) - quantile(d, q)) / 2;
  const cpuPerMessage = (relayed.cpu / relayed.messages) * 1e6;
  return `| ${name} | ${d.length} | ${quantile(d, 0.5).toFixed(0)} / ${quantile(d, 0.99).toFixed(0)} | ${quantile(r, 0.5).toFixed(0)} / ${quantile(r, 0.99).toFixed(0)} ` +
    `| **${added(0.5).toFixed(1)}** / ${added(0.99).toFixed(1)} | ${cpuPerMessage.toFixed(1)} | ≤ ${target} | ${added(0.5) <= target ? 'MET' : 'MISSED'} |`;
}

/** The C floor, compiled with the system's cc into bench/out; undefined (and said) without one. */
async function cRelay(): Promise<string | undefined> {
  const bin = join(OUT_DIR, 'c-relay');
  mkdirSync(OUT_DIR, { recursive: true });
  const built = await execa('cc', ['-O2', '-pthread', '-o', bin, join(FLOOR_DIR, 'c-relay.c')], { reject: false });
  if (built.failed) console.error(`[relay] no C floor: cc failed (${built.shortMessage})`);
  return built.failed ? undefined : bin;
}

interface Relayed { name: string; argv: string[]; processes: (pid: number) => number[]; into: Variant }

async function main(cli: readonly string[]): Promise<void> {
  const stdioRelays: Relayed[] = [{ name: 'wrap (stdio)', argv: [...cli, 'wrap', '--log-file', '/dev/null', '--'], processes: withChildren, into: variant() }];
  if (FLOORS) {
    const c = await cRelay();
    if (c) stdioRelays.push({ name: 'floor: C relay, two threads in blocking read/write', argv: [c], processes: alone, into: variant() });
    stdioRelays.push(
      { name: 'floor: WASI pumps, worker threads in blocking fd_read/fd_write', argv: [process.execPath, join(FLOOR_DIR, 'node-wasi-relay.mjs')], processes: alone, into: variant() },
      { name: 'floor: Node, worker threads in blocking readSync/writeSync', argv: [process.execPath, join(FLOOR_DIR, 'node-thread-relay.mjs')], processes: alone, into: variant() },
      { name: 'floor: Node, streams piped', argv: [process.execPath, join(FLOOR_DIR, 'node-stream-relay.mjs')], processes: alone, into: variant() },
    );
  }
  const stdioDirect = variant();
  for (let round = 0; round < ROUNDS; round++) {
    await stdioRound([server], undefined, stdioDirect);
    for (const relay of stdioRelays) await stdioRound([...relay.argv, server], relay.processes, relay.into);
    console.error(`[relay] stdio round ${round + 1}/${ROUNDS}`);
  }

  const port = await freePort();
  const upstreamUrl = `http://127.0.0.1:${port}/`;
  const upstream = spawn(server, ['-http', `127.0.0.1:${port}`], { stdio: 'ignore' });
  const httpRelays = [{ name: 'proxy (Streamable HTTP)', argv: [...cli, 'proxy', '--upstream', upstreamUrl, '--listen', '127.0.0.1:0', '--log-file', '/dev/null'] }];
  if (FLOORS) {
    httpRelays.push(
      { name: 'floor: Node http proxy, keep-alive, bodies piped', argv: [process.execPath, join(FLOOR_DIR, 'node-http-proxy.mjs'), upstreamUrl] },
      { name: 'floor: Node TCP relay, sockets piped', argv: [process.execPath, join(FLOOR_DIR, 'node-tcp-relay.mjs'), upstreamUrl] },
    );
  }
  const proxies = await Promise.all(httpRelays.map(async (relay) => {
    const child = spawn(relay.argv[0]!, relay.argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    const listening = await new Promise<string>((resolve) => createInterface({ input: child.stderr! }).on('line', (l) => { if (l.includes('listening on')) resolve(l); }));
    return { ...relay, child, url: `${/listening on (http:\/\/[^\s/]+)/.exec(listening)![1]}/`, into: variant() };
  }));
  const httpDirect = variant();
  for (let round = 0; round < ROUNDS; round++) {
    await httpRound(upstreamUrl, undefined, httpDirect);
    for (const proxy of proxies) await httpRound(proxy.url, proxy.child.pid, proxy.into);
    console.error(`[relay] http round ${round + 1}/${ROUNDS}`);
  }
  for (const proxy of proxies) await stop(proxy.child);
  await stop(upstream);

  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`\n${ROUNDS} rounds × ${CALLS} calls per variant (after ${WARMUP} warm-up calls each), one call in flight, 1-min load ${load}, Node ${process.version}, server: Go SDK everything 1.8.0 (greet)\n`);
  console.log('| relay | calls | direct round trip p50 / p99 µs | relayed round trip p50 / p99 µs | added per message p50 / p99 µs | relay CPU µs per message | target p50 | |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const relay of stdioRelays) console.log(report(relay.name, stdioDirect, relay.into, 50));
  for (const proxy of proxies) console.log(report(proxy.name, httpDirect, proxy.into, 200));
}

const compiled = mkdtempSync(join(tmpdir(), 'bench-relay-'));
try {
  console.error('[relay] compiling the repository with tsc');
  await compileRepository(compiled);
  await main([process.execPath, join(compiled, 'js', 'src', 'cli', 'bin.js')]);
} finally {
  rmSync(compiled, { recursive: true, force: true });
}
