// The reference server on SDK 2.x (--sdk 2) serving both protocol eras on one endpoint, driven by
// the simulator's mix of 2025-era agents (SDK 1.x clients: initialize) and 2026-07-28 agents
// (SDK 2.x clients: server/discover, _meta envelope on every request), in both metric profiles;
// and over stdio by a 2026-07-28 client. The SDK's stdio client sends its server/discover probe to
// a short-lived sibling process spawned for it, so the serving process sees no handshake there.
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileName } from '@mcp-observability/catalog';
import { parseSimulatorOptions } from '../../src/simulator/options.js';
import { eraOf, simulate } from '../../src/simulator/run.js';
import type { SimulationStats } from '../../src/simulator/stats.js';
import { announcedPort, NODE_TSX, REPO, SERVER_ENTRY, scrape, startServer, sumOf, type RunningServer } from './harness.js';

const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
const SESSIONS = 4;
const BURST = 10;

describe('simulator --protocol', () => {
  it('alternates the eras in a mix, the burst and agent 2 in the 2025 era', () => {
    expect([0, 1, 2, 3, 4].map((id) => eraOf('mix', id))).toEqual(['2025', MODERN, '2025', MODERN, '2025']);
    expect(parseSimulatorOptions(['--protocol', 'mix'])?.protocol).toBe('mix');
    expect(() => parseSimulatorOptions(['--protocol', '2026'])).toThrow('--protocol: expected 2025, 2026-07-28 or mix, got "2026"');
  });
});

describe.each<ProfileName>(['prom-client', 'otel'])('reference server on SDK 2.x, %s profile, a mix of both eras', (profile) => {
  let server: RunningServer;
  let stats: SimulationStats;
  let text: string;
  beforeAll(async () => {
    server = await startServer(['--sdk', '2', '--profile', profile]);
    // A call budget bounds the run (the duration is only a safety cap), so counts do not depend on the machine.
    stats = await simulate({
      url: new URL(`${server.base}/mcp`), command: undefined, protocol: 'mix', durationSeconds: 60, maxCalls: 120, sessions: SESSIONS,
      rate: 200, hallucinationRate: 0.1, invalidArgsRate: 0.1, unknownToolBurst: BURST, seed: 11,
    }, () => {});
    text = await scrape(server.base);
  });
  afterAll(async () => server.stop());

  it('opens every agent of both eras, and the agents read SDK 2.x errors as what they are', () => {
    const summary = stats.summary();
    expect(stats.sessionFailures, summary).toEqual([]);
    expect(stats.sessionsOpened).toBe(SESSIONS + 1);
    expect(stats.results.get('unknown_tool') ?? 0, summary).toBe(stats.hallucinatedCalls);
    expect(stats.results.get('invalid_args') ?? 0, summary).toBe(stats.invalidArgCalls);
    expect(stats.results.get('protocol_error') ?? 0, summary).toBe(0);
    expect(stats.results.get('transport_error') ?? 0, summary).toBe(0);
  });

  if (profile === 'prom-client') {
    it('counts initialize and server/discover as handshakes, each with its era and client', () => {
      expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'success', protocol_version: LEGACY })).toBe(3); // burst, agents 2 and 4
      expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'success', protocol_version: MODERN })).toBe(2); // agents 1 and 3
      expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'failure' })).toBe(0);
    });
    it('sees every call the agents made, with the server-side classification the agents saw', () => {
      expect(sumOf(text, 'mcp_tool_invocations_total')).toBe(stats.calls);
      expect(sumOf(text, 'mcp_tool_hallucinations_total', { kind: 'unknown_tool' })).toBe(stats.hallucinatedCalls);
      expect(sumOf(text, 'mcp_tool_hallucinations_total', { kind: 'invalid_params' })).toBe(stats.invalidArgCalls);
      expect(sumOf(text, 'mcp_agent_tasks_total')).toBe([...stats.tasks.values()].reduce((a, b) => a + b, 0));
    });
    it('opens no session (stateless HTTP and 2026-07-28 have none)', () => {
      expect(sumOf(text, 'mcp_session_duration_seconds_count')).toBe(0);
      expect(sumOf(text, 'mcp_active_connections')).toBe(0);
    });
  } else {
    it('labels the calls of each era with its own protocol version', () => {
      const calls = (version: string) => sumOf(text, 'mcp_server_operation_duration_seconds_count',
        { mcp_method_name: 'tools/call', mcp_protocol_version: version });
      expect(calls(MODERN)).toBeGreaterThan(0);
      expect(calls(LEGACY)).toBeGreaterThan(0);
      expect(calls(MODERN) + calls(LEGACY)).toBe(stats.calls);
      expect(sumOf(text, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: 'server/discover', mcp_protocol_version: MODERN })).toBe(2);
    });
    it('opens no session', () => {
      expect(sumOf(text, 'mcp_server_session_duration_seconds_count')).toBe(0);
    });
  }
});

describe('reference server on SDK 2.x over stdio, a 2026-07-28 client', () => {
  it('answers its tool calls and counts them with the era', async () => {
    const transport = new StdioClientTransport({
      command: NODE_TSX[0],
      args: [...NODE_TSX.slice(1), SERVER_ENTRY, '--transport', 'stdio', '--sdk', '2', '--profile', 'otel', '--metrics-port', '0'],
      cwd: REPO, stderr: 'pipe',
    });
    const port = announcedPort(transport.stderr!);
    const client = new Client({ name: 'modern-stdio-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'search_docs', arguments: { query: 'rate limits' } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      const text = await scrape(`http://127.0.0.1:${await port}`);
      expect(sumOf(text, 'mcp_server_operation_duration_seconds_count', { mcp_method_name: 'tools/call', gen_ai_tool_name: 'search_docs',
        network_transport: 'pipe', mcp_protocol_version: MODERN, error_type: '' })).toBe(1);
    } finally {
      await client.close();
    }
  });
});
