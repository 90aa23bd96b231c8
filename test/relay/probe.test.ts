// The prober against a real Streamable HTTP server: a synthetic session's series while it is up,
// probe_success 0 with the failed phase once it is gone, a module's tool call, and the tools
// fingerprint equal to what a client computes from its own tools/list.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { probeHandler } from '../../src/cli/commands/probe.js';
import { loadModules } from '../../src/cli/probe/modules.js';
import { toolsFingerprint } from '../../src/cli/probe/run-probe.js';
import { value } from '../instrument/scrape.js';
import { startPlainHttpServer, type PlainHttpServer } from './fixtures/plain-http-server.js';

describe('probe', () => {
  let prober: Server;
  let base = '';
  const failures: string[] = [];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-probe-'));
    writeFileSync(join(dir, 'modules.yaml'), 'modules:\n  echo_call:\n    tool_call:\n      name: echo\n      arguments: { text: probe }\n  fail_call:\n    tool_call:\n      name: fail\n');
    const handle = probeHandler(loadModules(join(dir, 'modules.yaml')), (line) => failures.push(line));
    prober = createServer((req, res) => { void handle(req, res); });
    await new Promise<void>((resolve) => prober.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(prober.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => { prober.closeAllConnections(); prober.close(() => resolve()); }));
  const probe = async (target: URL, module?: string) =>
    (await fetch(`${base}/probe?target=${encodeURIComponent(target.href)}${module ? `&module=${module}` : ''}`)).text();

  it('exports the phases of a session while the server is up, and the failed phase once it is down', async () => {
    const server: PlainHttpServer = await startPlainHttpServer();
    const client = new Client({ name: 'fingerprint', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(server.url));
    const { tools } = await client.listTools();
    await client.close();

    const up = await probe(server.url);
    expect(value(up, 'probe_success')).toBe(1);
    expect(value(up, 'probe_mcp_phase_success', { phase: 'handshake' })).toBe(1);
    expect(value(up, 'probe_mcp_phase_success', { phase: 'tools_list' })).toBe(1);
    expect(value(up, 'probe_mcp_protocol_version_info', { protocol_version: '2025-11-25' })).toBe(1);
    expect(value(up, 'probe_mcp_tools')).toBe(3);
    expect(value(up, 'probe_mcp_tools_fingerprint')).toBe(toolsFingerprint(tools));
    expect(value(up, 'probe_duration_seconds')).toBeGreaterThan(0);

    expect(value(await probe(server.url, 'echo_call'), 'probe_success')).toBe(1);
    const failedCall = await probe(server.url, 'fail_call');
    expect(value(failedCall, 'probe_success')).toBe(0);
    expect(value(failedCall, 'probe_mcp_phase_success', { phase: 'tool_call' })).toBe(0);

    await server.close();
    const down = await probe(server.url);
    expect(value(down, 'probe_success')).toBe(0);
    expect(value(down, 'probe_mcp_phase_success', { phase: 'handshake' })).toBe(0);
    // Not learned: absent, not 0.
    expect(down).not.toMatch(/^probe_mcp_tools /m);
    expect(failures.some((l) => l.includes('handshake failed'))).toBe(true);
  });

  it('answers 400 for an unknown module or a target that is not an http(s) URL', async () => {
    expect((await fetch(`${base}/probe?target=http://127.0.0.1:1/mcp&module=nope`)).status).toBe(400);
    expect((await fetch(`${base}/probe?target=file:///etc/passwd`)).status).toBe(400);
  });
});
