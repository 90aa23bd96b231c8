// Every tool of the reference server, driven by a real SDK client over both transports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SAMPLE_TOOL_NAMES } from '../../src/sample-server/tools/index.js';
import { callTool, httpClient, startServer, stdioClient, textOf, type RunningServer } from './harness.js';

function toolSuite(connect: () => Promise<{ client: Client; close(): Promise<void> }>) {
  let client: Client;
  let close: () => Promise<void>;
  beforeAll(async () => ({ client, close } = await connect()));
  afterAll(async () => close());

  it('lists the five tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(SAMPLE_TOOL_NAMES);
    expect(tools.find((t) => t.name === 'query_db')!.inputSchema.required).toEqual(['query']);
  });

  it('search_docs ranks the corpus', async () => {
    const r = await callTool(client, 'search_docs', { query: 'dns rebinding host header', limit: 2 });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as any).results[0].id).toBe('security');
    expect((r.structuredContent as any).results).toHaveLength(2);
  });

  it('query_db filters, limits and explains bad queries', async () => {
    const r = await callTool(client, 'query_db', { query: 'orders where region = eu and total > 100 limit 4' });
    const rows = (r.structuredContent as any).rows as Array<{ region: string; total: number }>;
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.region === 'eu' && row.total > 100)).toBe(true);
    const bad = await callTool(client, 'query_db', { query: 'orders where colour = red' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('unknown field "colour"');
  });

  it('fetch_url serves the fake web and fails on unknown URLs', async () => {
    const r = await callTool(client, 'fetch_url', { url: 'https://status.example.test/api/v1/status' });
    expect(JSON.parse(textOf(r)).status).toBe('operational');
    const missing = await callTool(client, 'fetch_url', { url: 'https://www.google.com/' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('404 Not Found');
  });

  it('summarize keeps the top sentences and reports token usage and cost', async () => {
    const text = 'Heap usage grew. The heap limit is near. Cats sleep. Watch the heap usage closely.';
    const r = await callTool(client, 'summarize', { text, maxSentences: 1 });
    const { summary, usage } = r.structuredContent as any;
    expect(summary).toBe('Watch the heap usage closely.');
    expect(usage).toMatchObject({ inputTokens: Math.ceil(text.length / 4), outputTokens: Math.ceil(summary.length / 4) });
    expect(usage.costUsd).toBeGreaterThan(0);
  });

  it('create_ticket returns an id', async () => {
    const r = await callTool(client, 'create_ticket', { title: 'Broken link', severity: 'low' });
    expect(textOf(r)).toMatch(/^Created T-\d+: Broken link \[low\]$/);
  });

  it('rejects invalid arguments and unknown tools as tool errors', async () => {
    const invalid = await callTool(client, 'create_ticket', { title: 'x', severity: 'urgent' });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toContain('-32602');
    const unknown = await callTool(client, 'get_weather', {});
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('Tool get_weather not found');
  });
}

describe('tools over Streamable HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => server.stop());
  toolSuite(async () => {
    const { client, transport } = await httpClient(server);
    return { client, close: async () => { await transport.terminateSession(); await client.close(); } };
  });
});

describe('tools over stdio', () => {
  toolSuite(async () => {
    const { client } = await stdioClient();
    return { client, close: () => client.close() };
  });
});
