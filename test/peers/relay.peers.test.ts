// wrap and proxy around real third-party MCP servers from the registries — the reference Python
// time server (PyPI), mcp-proxy (PyPI, Python, Streamable HTTP) and the Go SDK's everything
// server (Go module proxy) — driven by real clients of both protocol eras: the exported counts
// equal the client's own record, the byte streams are identical on both sides, nothing is left
// running. Prints the per-server correctness table.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { scrape, value } from '../instrument/scrape.js';
import { hashingFetch, startBodyRecorder } from '../relay/body-recorder.js';
import { CLI, isRunning, METRICS_LINE, startProxy, wrapPids } from '../relay/cli.js';
import { HashingStdioClientTransport } from '../relay/hashing-stdio-client.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeHandler } from '../../src/cli/commands/probe.js';
import { loadModules } from '../../src/cli/probe/modules.js';
import { peerBin } from './support/peers.js';
import { freePort, startPeer, stopPeer, waitForHttp } from './support/process.js';

const CALLS = 20;
type Era = '2025-11-25' | '2026-07-28';

interface Row { server: string; transport: string; era: Era; calls: string; counts: string; hashes: string }
const rows: Row[] = [];

interface ToolCase { tool: string; args: Record<string, unknown> }
const TIME: ToolCase = { tool: 'get_current_time', args: { timezone: 'UTC' } };
const GREET: ToolCase = { tool: 'greet', args: { name: 'probe' } };

/** The era's real SDK client: SDK 1.x speaks 2025-11-25; the 2.x client pinned to 2026-07-28 sends server/discover-era requests. */
function clientFor(era: Era) {
  const info = { name: `relay-peers-${era}`, version: '1.0.0' };
  return era === '2025-11-25' ? new LegacyClient(info) : new ModernClient(info, { versionNegotiation: { mode: { pin: era } } });
}
type AnyClient = ReturnType<typeof clientFor>;

/** Calls the tool CALLS times and an unknown tool once; the client's own record of outcomes. */
async function drive(client: AnyClient, { tool, args }: ToolCase) {
  const record = { ok: 0, failed: 0, lists: 0, unknownFailed: false };
  const tools = await client.listTools();
  record.lists++;
  expect(tools.tools.map((t) => t.name)).toContain(tool);
  for (let i = 0; i < CALLS; i++) {
    const result = await client.callTool({ name: tool, arguments: args });
    if (result.isError) record.failed++;
    else record.ok++;
  }
  try {
    const result = await client.callTool({ name: 'no_such_tool', arguments: {} });
    record.unknownFailed = result.isError === true;
  } catch {
    record.unknownFailed = true;
  }
  if (record.unknownFailed) record.failed++;
  return record;
}

function checkCounts(text: string, record: Awaited<ReturnType<typeof drive>>) {
  expect(record.unknownFailed).toBe(true);
  expect(value(text, 'mcp_tool_invocations_total', { status: 'ok' })).toBe(record.ok);
  expect(value(text, 'mcp_tool_invocations_total', { status: 'error' })).toBe(record.failed);
  expect(value(text, 'mcp_tool_errors_total', { tool: '_OTHER', error_type: 'unknown_tool' })).toBe(1);
  expect(value(text, 'mcp_requests_total', { method: 'tools/list' })).toBe(record.lists);
  return `${record.ok + record.failed}/${value(text, 'mcp_tool_invocations_total')}`;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.each([
  { server: 'mcp-server-time 2026.10.19 (Python, PyPI)', command: () => [peerBin('mcp-server-time')], use: TIME },
  { server: 'go-sdk everything 1.8.0 (Go)', command: () => [peerBin('go-sdk-everything')], use: GREET },
])('wrap around $server', ({ server, command, use }) => {
  it.each(['2025-11-25', '2026-07-28'] as const)('a %s client: counts match, streams identical, nothing left running', async (era) => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-peers-'));
    // tee on both sides of the server; the subshell execs the server, so its pid is the server's.
    const pipeline = `set -o pipefail; tee "${dir}/to-server" | (echo $BASHPID > "${dir}/pid"; exec "$@") | tee "${dir}/from-server"`;
    const transport = new HashingStdioClientTransport(process.execPath, [...CLI, 'wrap', '--log-file', join(dir, 'log'), '--', 'bash', '-c', pipeline, 'tee', ...command()],
      { stderrLine: METRICS_LINE });
    const client = clientFor(era);
    await client.connect(transport as never);
    const metrics = await transport.announced;
    const record = await drive(client, use);
    const counts = checkCounts(await scrape(metrics), record);
    const text = await scrape(metrics);
    expect(value(text, 'mcp_message_size_bytes_count', { direction: 'in' })).toBe(transport.sent.messages);
    expect(value(text, 'mcp_message_size_bytes_count', { direction: 'out' })).toBe(transport.received.messages);
    // The handshake of each era: initialize (2025-11-25), server/discover (2026-07-28), under its protocol version.
    expect(value(text, 'mcp_handshakes_total', { outcome: 'success', protocol_version: era })).toBe(1);
    await client.close();
    expect(await transport.exited).toEqual({ code: 0, signal: null });
    const toServer = sha256(join(dir, 'to-server'));
    const fromServer = sha256(join(dir, 'from-server'));
    expect(toServer).toBe(transport.sent.hash.digest('hex'));
    expect(fromServer).toBe(transport.received.hash.digest('hex'));
    expect(isRunning(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
    expect(isRunning(wrapPids(transport.stderr).relay)).toBe(false);
    rows.push({ server, transport: 'stdio (wrap)', era, calls: `${record.ok} ok, ${record.failed} failed`, counts,
      hashes: `in ${toServer.slice(0, 12)} = ${toServer.slice(0, 12)}, out ${fromServer.slice(0, 12)} = ${fromServer.slice(0, 12)}` });
  });
});

describe.each([
  { server: 'mcp-proxy 0.13.0 serving mcp-server-time (Python, PyPI)', path: '/mcp', use: TIME,
    start: (port: number) => startPeer(peerBin('mcp-proxy'), ['--host', '127.0.0.1', '--port', String(port), '--', peerBin('mcp-server-time')]) },
  { server: 'go-sdk everything 1.8.0 (Go)', path: '/', use: GREET,
    start: (port: number) => startPeer(peerBin('go-sdk-everything'), ['-http', `127.0.0.1:${port}`]) },
])('proxy in front of $server', ({ server, path, use, start }) => {
  // Both servers serve only 2025-11-25 over stateful Streamable HTTP (the Go SDK rejects 2026-07-28 there).
  it('a 2025-11-25 client: counts match, bodies identical, the session closes', async () => {
    const port = await freePort();
    const peer = start(port);
    const upstream = new URL(path, `http://127.0.0.1:${port}`);
    try {
      // Any HTTP answer will do: a GET without a session is refused (400/405).
      await waitForHttp(peer, upstream.href, { timeoutMs: 60_000, ready: () => true });
      const recorder = await startBodyRecorder(upstream);
      const proxy = await startProxy(recorder.url);
      try {
        const hashing = hashingFetch();
        const transport = new StreamableHTTPClientTransport(proxy.url, { fetch: hashing.fetch });
        const client = clientFor('2025-11-25');
        await client.connect(transport);
        const record = await drive(client, use);
        const counts = checkCounts(await scrape(proxy.metrics), record);
        expect(value(await scrape(proxy.metrics), 'mcp_active_connections', { transport: 'http' })).toBe(1);
        await transport.terminateSession();
        await client.close();
        await expect.poll(async () => value(await scrape(proxy.metrics), 'mcp_active_connections', { transport: 'http' })).toBe(0);
        const seen = await hashing.digests();
        const upstreamSide = recorder.digests();
        expect(upstreamSide.requests).toBe(seen.requests);
        expect(upstreamSide.answers).toBe(seen.answers);
        rows.push({ server, transport: 'Streamable HTTP (proxy)', era: '2025-11-25', calls: `${record.ok} ok, ${record.failed} failed`, counts,
          hashes: `requests ${seen.requests.slice(0, 12)} = ${upstreamSide.requests.slice(0, 12)}, answers ${seen.answers.slice(0, 12)} = ${upstreamSide.answers.slice(0, 12)}` });
      } finally {
        expect(await proxy.stop()).toBe(0);
        await recorder.close();
      }
    } finally {
      await stopPeer(peer);
    }
  });
});

describe('probe across an outage of the Go server', () => {
  // Up, killed, restarted on the same port: the series a Prometheus scraping /probe would store.
  it('probe_success follows the server: 1, then 0 with the handshake failing, then 1 again', async () => {
    const handle = probeHandler(loadModules(undefined), () => {});
    const prober = createServer((req, res) => { void handle(req, res); });
    await new Promise<void>((resolve) => prober.listen(0, '127.0.0.1', resolve));
    const probeUrl = (target: URL) => `http://127.0.0.1:${(prober.address() as AddressInfo).port}/probe?target=${encodeURIComponent(target.href)}`;
    const port = await freePort();
    const target = new URL(`http://127.0.0.1:${port}/`);
    const timeline: { phase: string; success: number; handshake: string; tools: string }[] = [];
    const probeThrice = async (phase: string) => {
      for (let i = 0; i < 3; i++) {
        const text = await (await fetch(probeUrl(target))).text();
        timeline.push({ phase, success: value(text, 'probe_success'),
          handshake: `${value(text, 'probe_mcp_phase_success', { phase: 'handshake' })} in ${(value(text, 'probe_mcp_phase_duration_seconds', { phase: 'handshake' }) * 1000).toFixed(1)} ms`,
          tools: /^probe_mcp_tools (\S+)/m.exec(text)?.[1] ?? 'absent' });
      }
    };
    const start = async () => {
      const peer = startPeer(peerBin('go-sdk-everything'), ['-http', `127.0.0.1:${port}`]);
      await waitForHttp(peer, target.href, { timeoutMs: 60_000, ready: () => true });
      return peer;
    };
    try {
      const first = await start();
      await probeThrice('up');
      // Its stateful HTTP endpoint answers server/discover, but without 2026-07-28 among its versions.
      const discover = await (await fetch(`${probeUrl(target)}&module=mcp_discover`)).text();
      expect(value(discover, 'probe_mcp_phase_success', { phase: 'handshake' })).toBe(0);
      await stopPeer(first);
      await probeThrice('killed');
      const second = await start();
      await probeThrice('restarted');
      await stopPeer(second);
    } finally {
      prober.closeAllConnections();
      prober.close();
    }
    console.log('\n| scrape | server | probe_success | handshake success, duration | probe_mcp_tools |\n|---|---|---|---|---|');
    timeline.forEach((t, i) => console.log(`| ${i + 1} | ${t.phase} | ${t.success} | ${t.handshake} | ${t.tools} |`));
    expect(timeline.map((t) => t.success)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect(timeline.slice(3, 6).map((t) => t.tools)).toEqual(['absent', 'absent', 'absent']);
  });
});

afterAll(() => {
  console.log('\n| server | transport | client era | client record | tool calls client/exported | stream hashes (client side = server side) |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.server} | ${r.transport} | ${r.era} | ${r.calls} | ${r.counts} | ${r.hashes} |`);
});
