// `wrap` around a server that knows nothing of us, driven by a real SDK client: the exported
// counts equal the client's own record, the bytes are identical on both sides, exits propagate.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { scrape, value } from '../instrument/scrape.js';
import { CLI, isRunning, METRICS_LINE, TSX } from './cli.js';
import { countListChanges, driveFixture } from './drive-fixture.js';
import { HashingStdioClientTransport } from './hashing-stdio-client.js';
import { instrumentationFrom } from '../../src/cli/relay/instrumentation-options.js';

const FIXTURE = 'test/relay/fixtures/plain-stdio-server.ts';
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** `wrap` around the command, with tee on both sides of the server: what the server itself read and wrote. */
function wrapped(dir: string, server: readonly string[]) {
  const tee = `set -o pipefail; tee "${dir}/to-server" | "$@" | tee "${dir}/from-server"`;
  return new HashingStdioClientTransport(process.execPath, [...CLI, 'wrap', '--metrics-port', '0', '--', 'bash', '-c', tee, 'tee', ...server],
    { env: { ...process.env, PID_FILE: join(dir, 'pid') }, stderrLine: METRICS_LINE });
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
