// Each fault kind takes effect and clears again, through the admin API and MCP_FAULTS.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { admin, callTool, httpClient, NODE_TSX, REPO, scrape, SERVER_ENTRY, startServer, stdioClient, sumOf, textOf,
  type RunningServer } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timedCall(client: Client, name: string, args: Record<string, unknown>): Promise<number> {
  const start = performance.now();
  await callTool(client, name, args);
  return performance.now() - start;
}

describe('fault injection over HTTP', () => {
  let server: RunningServer;
  let client: Client;
  beforeAll(async () => {
    server = await startServer();
    ({ client } = await httpClient(server));
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('adds latency to one tool only, and removes it on DELETE', async () => {
    // The injected delay is a lower bound whatever the machine's load; an unfaulted call on
    // loopback staying under it is the margin that tells "one tool only" apart.
    const injectedMs = 1500;
    expect((await admin(server, 'POST', JSON.stringify({ tool: 'search_docs', latencyMs: injectedMs }))).json.tools)
      .toEqual({ search_docs: { latencyMs: injectedMs } });
    expect(await timedCall(client, 'search_docs', { query: 'alerts' })).toBeGreaterThanOrEqual(injectedMs);
    expect(await timedCall(client, 'query_db', { query: 'orders limit 1' })).toBeLessThan(injectedMs);
    await admin(server, 'DELETE');
    expect(await timedCall(client, 'search_docs', { query: 'alerts' })).toBeLessThan(injectedMs);
  });

  it('fails calls at about the configured rate for all tools, then stops failing', async () => {
    await admin(server, 'POST', JSON.stringify({ errorRate: 0.5 }));
    const calls = 200;
    let failed = 0;
    for (let i = 0; i < calls; i++) {
      const r = await callTool(client, i % 2 ? 'search_docs' : 'create_ticket', i % 2 ? { query: 'tools' } : { title: 'load test', severity: 'low' });
      if (r.isError) {
        expect(textOf(r)).toContain('injected fault');
        failed++;
      }
    }
    // Binomial(200, 0.5): sd ≈ 7 calls; ±24 is over 3 sd.
    expect(failed).toBeGreaterThan(76);
    expect(failed).toBeLessThan(124);
    await admin(server, 'DELETE');
    for (let i = 0; i < 20; i++) expect((await callTool(client, 'search_docs', { query: 'tools' })).isError).toBeFalsy();
  });

  it('retains heap while the fault is set and releases it on DELETE', async () => {
    const heapUsed = async () => sumOf(await scrape(server.base), 'nodejs_heap_size_used_bytes') / 2 ** 20;
    // DELETE forces a full GC: the baseline holds no garbage that a later collection could
    // subtract from the retained ballast.
    await admin(server, 'DELETE');
    const before = await heapUsed();
    expect((await admin(server, 'POST', JSON.stringify({ heapMb: 200 }))).json.heapMb).toBe(200);
    expect(await heapUsed()).toBeGreaterThan(before + 180);
    expect((await admin(server, 'DELETE')).json.heapMb).toBe(0);
    expect(await heapUsed()).toBeLessThan(before + 50);
  });

  it('stalls the event loop periodically, raising event-loop lag until cleared', async () => {
    const lagP99 = async () => sumOf(await scrape(server.base), 'nodejs_eventloop_lag_p99_seconds');
    // prom-client resets its event-loop histogram on every scrape: scrape once to start a clean window.
    // Stalls far longer than any scheduling delay a loaded 2-core CI machine adds, so the two
    // sides stay apart.
    await admin(server, 'POST', JSON.stringify({ stallMs: 800 }));
    await lagP99();
    await sleep(3_000);
    expect(await lagP99()).toBeGreaterThanOrEqual(0.7);
    await admin(server, 'DELETE');
    await lagP99();
    await sleep(2_500);
    expect(await lagP99()).toBeLessThan(0.3);
  });
});

describe('fault admin API input validation', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => server.stop());

  it.each([
    ['not JSON', '{"latencyMs": 10', /request body is not valid JSON/],
    ['an unknown field', '{"latency": 10}', /Unrecognized key.*latency/],
    ['an error rate above 1', '{"errorRate": 1.5}', /errorRate: .*<=1/],
    ['a negative latency', '{"latencyMs": -5}', /latencyMs: .*>=0/],
    ['an unknown tool', '{"tool": "nope", "latencyMs": 10}', /tool: unknown tool; known tools: search_docs/],
    ['no fault at all', '{"tool": "query_db"}', /give at least one of latencyMs, errorRate, heapMb, stallMs/],
    ['a heap beyond the V8 limit', '{"heapMb": 999999}', /heapMb: .*<=/],
  ])('answers 400 for %s', async (_, body, message) => {
    const { status, json } = await admin(server, 'POST', body);
    expect(status).toBe(400);
    expect(json.error).toMatch(message);
    expect((await admin(server, 'GET')).json).toEqual({ all: {}, tools: {}, heapMb: 0, stallMs: 0 });
  });

  it('answers 405 for other methods', async () => {
    expect((await admin(server, 'PUT' as 'POST', '{}')).status).toBe(405);
  });
});

describe('faults from MCP_FAULTS', () => {
  it('applies them at start, over stdio too', async () => {
    const { client, metricsBase } = await stdioClient([], { MCP_FAULTS: '[{"tool":"fetch_url","errorRate":1},{"latencyMs":50}]' });
    try {
      const r = await callTool(client, 'fetch_url', { url: 'https://docs.example.test/' });
      expect(textOf(r)).toContain('injected fault');
      expect(await timedCall(client, 'search_docs', { query: 'x' })).toBeGreaterThanOrEqual(50);
      const faults = await (await fetch(`${metricsBase}/admin/faults`)).json();
      expect(faults).toEqual({ all: { latencyMs: 50 }, tools: { fetch_url: { errorRate: 1 } }, heapMb: 0, stallMs: 0 });
    } finally {
      await client.close();
    }
  });

  it('refuses to start with a clear message when they are invalid', async () => {
    const r = await execa(NODE_TSX[0], [...NODE_TSX.slice(1), SERVER_ENTRY, '--port', '0'],
      { cwd: REPO, env: { MCP_FAULTS: '{"errorRate":"high"}' }, reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('sample-server: errorRate: Invalid input: expected number, received string');
  });
});
