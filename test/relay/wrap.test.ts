// `wrap` around a server that knows nothing of us, driven by a real SDK client: the exported
// counts equal the client's own record, the bytes are identical on both sides, exits propagate.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { scrape, value } from '../instrument/scrape.js';
import { CLI, isRunning, METRICS_LINE, TSX, wrapPids } from './cli.js';
import { countListChanges, driveFixture } from './drive-fixture.js';
import { HashingStdioClientTransport } from './hashing-stdio-client.js';
import { instrumentationFrom } from '../../src/cli/relay/instrumentation-options.js';

const FIXTURE = 'test/relay/fixtures/plain-stdio-server.ts';
const ANSWER_DELAY_MS = 4;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `wrap` around the command, with tee on both sides of the server: what the server itself read and wrote. */
function wrapped(dir: string, server: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const tee = `set -o pipefail; tee "${dir}/to-server" | "$@" | tee "${dir}/from-server"`;
  return new HashingStdioClientTransport(process.execPath, [...CLI, 'wrap', '--metrics-port', '0', '--', 'bash', '-c', tee, 'tee', ...server],
    { env: { ...process.env, PID_FILE: join(dir, 'pid'), ...env }, stderrLine: METRICS_LINE });
}

describe('wrap', () => {
  it('passes the bytes through unchanged and exports what the client recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    const transport = wrapped(dir, [...TSX, FIXTURE]);
    const client = new Client({ name: 'wrap-test', version: '1.0.0' });
    const listChanges = countListChanges(client);
    await client.connect(transport);
    const metrics = await transport.announced;
    const record = await driveFixture(client, listChanges);

    const text = await scrape(metrics);
    expect(value(text, 'mcp_tool_invocations_total', { status: 'ok' })).toBe(record.ok);
    expect(value(text, 'mcp_tool_invocations_total', { status: 'error' })).toBe(record.isError);
    expect(value(text, 'mcp_tool_errors_total', { tool: 'fail', error_type: 'tool_error' })).toBe(record.isError);
    expect(value(text, 'mcp_requests_total', { method: 'tools/list' })).toBe(record.lists);
    expect(value(text, 'mcp_handshakes_total', { outcome: 'success', client_name: 'wrap-test' })).toBe(1);
    expect(value(text, 'mcp_active_connections', { transport: 'stdio' })).toBe(1);
    // Every message both ways, with the bytes the wire carried (line ends excluded).
    expect(value(text, 'mcp_message_size_bytes_count', { direction: 'in' })).toBe(transport.sent.messages);
    expect(value(text, 'mcp_message_size_bytes_count', { direction: 'out' })).toBe(transport.received.messages);
    expect(value(text, 'mcp_message_size_bytes_sum', { direction: 'in' })).toBe(transport.sent.bytes - transport.sent.messages);
    expect(value(text, 'mcp_message_size_bytes_sum', { direction: 'out' })).toBe(transport.received.bytes - transport.received.messages);
    // Drift from the tools/list results the server sent.
    expect(value(text, 'mcp_registered_tools')).toBe(3);
    expect(value(text, 'mcp_tool_definition_changes_total', { tool: 'rug_pull', change: 'modified' })).toBe(1);

    await client.close();
    expect(await transport.exited).toEqual({ code: 0, signal: null });
    expect(sha256(join(dir, 'to-server'))).toBe(transport.sent.hash.digest('hex'));
    expect(sha256(join(dir, 'from-server'))).toBe(transport.received.hash.digest('hex'));
    expect(isRunning(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
    // The relay the launcher started (its threads block on stdin) is gone with it.
    const { launcher, relay } = wrapPids(transport.stderr);
    expect(launcher).toBe(transport.child!.pid);
    expect(isRunning(relay)).toBe(false);
    // The server's stderr is the client's log: the relay adds its one line and no Node warning (WASI's is experimental).
    expect(transport.stderr).not.toContain('Warning');
  });

  it('times each call from its request passing the relay to its answer passing it, however late it is observed', async () => {
    // Observation runs in batches after the bytes passed: a call timed by when its messages were
    // observed takes ~0 ms when both land in one batch, less than the server itself spent on it.
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    const transport = new HashingStdioClientTransport(process.execPath, [...CLI, 'wrap', '--log-file', join(dir, 'log'), '--', ...TSX, 'test/relay/fixtures/slow-stdio-server.ts'],
      { env: { ...process.env, ANSWER_DELAY_MS: String(ANSWER_DELAY_MS) }, stderrLine: METRICS_LINE });
    const client = new Client({ name: 'wrap-timing', version: '1.0.0' });
    await client.connect(transport);
    for (let i = 0; i < 20; i++) await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    const logged = () => readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { method?: string; duration_ms?: number })
      .filter((l) => l.method === 'tools/call');
    // Observed while the session runs, with no scrape or exit to make the relay catch up: the threads woke it.
    await expect.poll(() => logged().length, { timeout: 10_000 }).toBe(20);
    await client.close();
    const calls = logged();
    // Each answer left the server at least ANSWER_DELAY_MS (less 1 ms of timer rounding) after the request reached it.
    for (const call of calls) expect(call.duration_ms).toBeGreaterThanOrEqual(ANSWER_DELAY_MS - 1);
  });

  it('relays a 10 MiB burst intact and observes all of it, with bounded relay memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    // A small young generation, so the garbage of parsing the burst does not hide what the relay holds.
    const transport = wrapped(dir, [...TSX, FIXTURE], { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=1` });
    const client = new Client({ name: 'wrap-burst', version: '1.0.0' });
    await client.connect(transport);
    const metrics = await transport.announced;
    const { relay } = wrapPids(transport.stderr);
    const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${relay}/status`, 'utf8'))![1]) * 1024;
    const before = peakRss();

    // 160 echo calls of 64 KiB at once: 10 MiB each way, five times a ring's size, faster than it is observed.
    const texts = Array.from({ length: 160 }, (_, i) => String(i % 10).repeat(64 << 10));
    const results = await Promise.all(texts.map((text) => client.callTool({ name: 'echo', arguments: { text } })));
    expect(results.map((r) => (r.content as { text: string }[])[0]!.text)).toEqual(texts);

    const text = await scrape(metrics);
    expect(value(text, 'mcp_tool_invocations_total', { status: 'ok' })).toBe(160);
    expect(value(text, 'mcp_message_size_bytes_count', { direction: 'in' })).toBe(transport.sent.messages);
    expect(value(text, 'mcp_message_size_bytes_count', { direction: 'out' })).toBe(transport.received.messages);
    expect(value(text, 'mcp_message_size_bytes_sum', { direction: 'in' })).toBe(transport.sent.bytes - transport.sent.messages);
    expect(value(text, 'mcp_message_size_bytes_sum', { direction: 'out' })).toBe(transport.received.bytes - transport.received.messages);
    // Nothing queued between the threads and the observer beyond the rings (2 × 2 MiB). Measured:
    // 18 MiB of growth as built, 35 MiB with 64 MiB rings (the whole burst queued, observed late).
    const grown = peakRss() - before;
    expect(grown).toBeLessThan(26 << 20);

    await client.close();
    expect(await transport.exited).toEqual({ code: 0, signal: null });
    expect(sha256(join(dir, 'to-server'))).toBe(transport.sent.hash.digest('hex'));
    expect(sha256(join(dir, 'from-server'))).toBe(transport.received.hash.digest('hex'));
  });

  it('reads a client stdin that turns non-blocking (EAGAIN) without losing a byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    const path = join(dir, 'stdin');
    execFileSync('mkfifo', [path]);
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(path, constants.O_WRONLY);
    const child = spawn(process.execPath, [...CLI, 'wrap', '--', 'cat'], { stdio: [reader, 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    let stderr = '';
    await new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (METRICS_LINE.test(stderr)) resolve();
    }));
    const closed = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    // Spawning set the shared open file blocking; another holder of it sets O_NONBLOCK again.
    execFileSync('python3', ['-c', 'import os; os.set_blocking(0, False)'], { stdio: [reader, 'ignore', 'inherit'] });
    closeSync(reader);
    const lines = Array.from({ length: 20 }, (_, i) => `{"jsonrpc":"2.0","method":"notifications/message","params":{"n":${i}}}\n`);
    for (const line of lines) {
      writeSync(writer, line);
      await delay(20);
    }
    await expect.poll(() => stdout, { timeout: 10_000 }).toBe(lines.join(''));
    closeSync(writer);
    expect(await closed).toBe(0);
  });

  it('relays through Node streams where mkfifo is missing (as on Windows): the same bytes, the same exit', async () => {
    // A PATH with the shell tools but no mkfifo.
    const bin = mkdtempSync(join(tmpdir(), 'mcp-wrap-bin-'));
    for (const tool of ['bash', 'cat']) symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    const input = Array.from({ length: 50 }, (_, i) => `{"jsonrpc":"2.0","id":${i},"method":"ping"}\n`).join('');
    const done = await execa(process.execPath, [...CLI, 'wrap', '--', 'bash', '-c', 'cat; exit 4'], { reject: false, input, env: { PATH: bin } });
    expect(done.stdout).toBe(input.trimEnd());
    expect(done.exitCode).toBe(4);
  });

  it('exits as the server did: its exit code, its signal, 127 when it cannot start', async () => {
    const run = (server: string[]) => execa(process.execPath, [...CLI, 'wrap', '--', ...server], { reject: false, input: '' });
    expect((await run(['bash', '-c', 'exit 3'])).exitCode).toBe(3);
    expect((await run(['bash', '-c', 'kill -TERM $$'])).signal).toBe('SIGTERM');
    const missing = await run(['/nonexistent/mcp-server']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('could not start /nonexistent/mcp-server');
  });

  it('forwards SIGTERM to the server and leaves nothing running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    const child = execa(process.execPath, [...CLI, 'wrap', '--', ...TSX, FIXTURE], { reject: false, env: { PID_FILE: join(dir, 'pid') }, stdin: 'pipe' });
    await expect.poll(() => { try { return readFileSync(join(dir, 'pid'), 'utf8'); } catch { return ''; } }, { timeout: 30_000 }).not.toBe('');
    child.kill('SIGTERM');
    const done = await child;
    expect(done.signal ?? done.exitCode).toBeTruthy();
    expect(isRunning(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });

  it('stops a server that outlives its input: once the client closed stdin, SIGTERM after a grace period', async () => {
    // Clients close the server's stdin, then signal the process they started; started through npx,
    // that is npx, which does not pass the signal on. A server kept alive by a timer or a metrics
    // port would then run on, wrapper and all, with nobody to stop them.
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    const server = ['bash', '-c', `echo $$ > "${dir}/pid"; exec "${process.execPath}" -e "setInterval(() => {}, 1000)"`];
    const done = await execa(process.execPath, [...CLI, 'wrap', '--', ...server], { reject: false, input: '', timeout: 30_000 });
    expect(done.timedOut).toBe(false);
    expect(done.signal).toBe('SIGTERM');
    expect(isRunning(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(false);
  });

  it('with --audit-file: one audit record per tools/call; the log repeats only the failed ones (--log-audited-calls failed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
    const [audit, log] = [join(dir, 'audit.jsonl'), join(dir, 'wrap.log')];
    const transport = new HashingStdioClientTransport(process.execPath, [...CLI, 'wrap', '--metrics-port', '0', '--audit-file', audit,
      '--log-file', log, '--', ...TSX, FIXTURE], { env: { ...process.env }, stderrLine: METRICS_LINE });
    const client = new Client({ name: 'wrap-audit', version: '1.0.0' });
    const listChanges = countListChanges(client);
    await client.connect(transport);
    const record = await driveFixture(client, listChanges);
    await client.close();
    expect(await transport.exited).toEqual({ code: 0, signal: null });
    const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const records = lines(audit);
    expect(records).toHaveLength(record.ok + record.isError);
    for (const r of records) expect(r).toMatchObject({ client: 'wrap-audit', transport: 'stdio', request_id: expect.any(Number) });
    expect(records.filter((r) => r.outcome === 'error').map((r) => r.error_type)).toEqual(Array(record.isError).fill('tool_error'));
    const calls = lines(log).filter((l) => l.message === 'tools/call');
    expect(calls.map((l) => [l.tool, l.level])).toEqual(Array(record.isError).fill(['fail', 'warning']));
    for (const call of calls) expect(records.find((r) => r.span_id === call.span_id)).toMatchObject({ request_id: call.request_id, outcome: 'error' });
  });

  it('refuses an unknown --log-audited-calls', () => {
    const values = { 'metrics-port': '0', 'metrics-host': '127.0.0.1', profile: 'prom-client', 'log-level': 'info', 'log-audited-calls': 'some' };
    expect(instrumentationFrom(values)).toBe('--log-audited-calls: expected failed, all, none, got "some"');
  });
});
