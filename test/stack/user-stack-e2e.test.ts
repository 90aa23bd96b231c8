// `mcp-observability up --scrape / check / down` as a user runs it against their own server: no
// reference server, no simulator. A plain instrumented server (the HTTP fixture) is the target;
// free ports and a private run directory keep any other stack on this machine untouched.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from '../peers/support/process.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartTicks } from '../../src/cli/stack/procfs.js';
import { sleep } from '../../src/cli/stack/readiness.js';
import { PORT_ENV } from '../../src/cli/stack/settings.js';
import type { StackState } from '../../src/cli/stack/state.js';
import { startHttpFixture, type HttpFixture } from '../instrument/fixtures/http-server.js';

const root = resolve(import.meta.dirname, '../..');
const runDir = mkdtempSync(join(tmpdir(), 'mcp-user-stack-'));
const ports: number[] = [];
while (ports.length < Object.keys(PORT_ENV).length) {
  const port = await freePort();
  if (!ports.includes(port)) ports.push(port);
}
const env = { ...Object.fromEntries(Object.values(PORT_ENV).map((p, i) => [p.env, String(ports[i])])), MCP_STACK_RUN_DIR: runDir };
const cli = (...args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { cwd: root, env, reject: false, all: true, timeout: 300_000 });

let server: HttpFixture;

beforeAll(async () => {
  server = await startHttpFixture();
  const client = new Client({ name: 'user-stack-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(server.url));
  for (let i = 0; i < 5; i++) await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
  await client.close();
});

afterAll(async () => {
  if (existsSync(join(runDir, 'stack.json'))) await cli('down');
  rmSync(runDir, { recursive: true, force: true });
  await server?.close();
}, 60_000);

describe('mcp-observability up --scrape / check / down', () => {
  it('refuses to start without servers to scrape, naming the flag', async () => {
    const up = await cli('up');
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toContain('pass --scrape HOST:PORT');
  });

  it('scrapes the user\'s server, checks it inside the selector, reports signals it never sent as no data, and stops', async () => {
    const target = `127.0.0.1:${new URL(server.base).port}`;
    const up = await cli('up', '--scrape', target, '--drill');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toContain(`scraping ${target} as job="mcp-server"`);
    const recorded = JSON.parse(readFileSync(join(runDir, 'stack.json'), 'utf8')) as StackState;
    expect(recorded.processes.map((p) => p.name).sort()).toEqual(['alertmanager', 'prometheus', 'webhook']);

    const check = await cli('check', '--wait', '25');
    console.log(check.all);
    expect(check.exitCode, check.all).toBe(0);
    expect(check.stdout).toMatch(/^target\s+mcp-server\s+ok/m);
    expect(check.stdout).toMatch(/^selector\s+up\{job=~"mcp\.\*"\}\s+ok/m);
    expect(check.stdout).toMatch(/^recording\s+job_tool:mcp_tool_calls:rate5m\s+ok/m);
    // The fixture reports no agent tasks: their rules are listed, not failed.
    expect(check.stdout).toMatch(/^recording\s+\S*agent_task\S*\s+no data/m);

    const down = await cli('down', '--purge');
    expect(down.exitCode, down.all).toBe(0);
    for (let i = 0; i < 50 && recorded.processes.some((p) => processStartTicks(p.pid) === p.startTicks); i++) await sleep(100);
    expect(recorded.processes.filter((p) => processStartTicks(p.pid) === p.startTicks).map((p) => p.name)).toEqual([]);
  }, 400_000);
});
