// Probing, context-window guardrails and DLP on the reference server, caused by real SDK clients:
// unknown tools and methods counted per client, a result cut to --max-response-bytes and counted,
// and secrets redacted and counted by detector and location (input, output, log).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callTool, httpClient, scrape, startServer, sumOf, textOf, type RunningServer } from '../server/harness.js';

const MAX_RESPONSE_BYTES = 300;
const API_KEY = 'sk_live_0123456789abcdefghijKLMN';

describe('probing, truncation and redaction', () => {
  let server: RunningServer;
  let auditFile: string;

  beforeAll(async () => {
    auditFile = join(mkdtempSync(join(tmpdir(), 'mcp-dlp-')), 'audit.jsonl');
    server = await startServer(['--max-response-bytes', String(MAX_RESPONSE_BYTES), '--audit-file', auditFile]);
  });
  afterAll(async () => server.stop());

  it('counts unknown tool names and methods per client, apart from an honest client', async () => {
    const scanner = (await httpClient(server, 'scanner')).client;
    const honest = (await httpClient(server, 'honest-agent')).client;
    for (let i = 0; i < 30; i++) await callTool(scanner, `admin_tool_${i}`, {});
    for (let i = 0; i < 10; i++) {
      await expect(scanner.request({ method: `debug/method${i}`, params: {} }, z.object({}))).rejects.toThrow(/-32601/);
    }
    await callTool(honest, 'search_doc', { query: 'metrics' });
    expect((await callTool(honest, 'search_docs', { query: 'metrics' })).isError).toBeFalsy();
    await scanner.close();
    await honest.close();
    const text = await scrape(server.base);
    expect(sumOf(text, 'mcp_unknown_requests_total', { client_name: 'scanner', kind: 'tool' })).toBe(30);
    expect(sumOf(text, 'mcp_unknown_requests_total', { client_name: 'scanner', kind: 'method' })).toBe(10);
    expect(sumOf(text, 'mcp_unknown_requests_total', { client_name: 'honest-agent', kind: 'tool' })).toBe(1);
    expect(sumOf(text, 'mcp_unknown_requests_total', { client_name: 'honest-agent', kind: 'method' })).toBe(0);
  });

  it('cuts a long result to the byte budget, says so in the text, and counts it', async () => {
    const sizeBefore = sumOf(await scrape(server.base), 'mcp_tool_response_size_bytes_sum', { tool: 'search_docs' });
    const { client } = await httpClient(server, 'reader');
    const long = await callTool(client, 'search_docs', { query: 'metrics alerts dashboards sessions tools', limit: 10 });
    const short = await callTool(client, 'create_ticket', { title: 'Short', severity: 'low' });
    await client.close();
    const body = textOf(long);
    const marker = new RegExp(`\\[truncated by the server: ${MAX_RESPONSE_BYTES} of (\\d+) bytes shown\\]$`).exec(body);
    expect(marker).not.toBeNull();
    const produced = Number(marker![1]);
    expect(Buffer.byteLength(body.slice(0, body.lastIndexOf('\n[truncated')))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(textOf(short)).not.toContain('truncated');
    const text = await scrape(server.base);
    expect(sumOf(text, 'mcp_tool_responses_truncated_total', { tool: 'search_docs' })).toBe(1);
    expect(sumOf(text, 'mcp_tool_responses_truncated_total', { tool: 'create_ticket' })).toBe(0);
    // The size histogram records what the tool produced, before the cut.
    expect(sumOf(text, 'mcp_tool_response_size_bytes_sum', { tool: 'search_docs' }) - sizeBefore).toBe(produced);
    expect(produced).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(sumOf(text, 'mcp_tool_response_size_bytes_count', { tool: 'create_ticket' })).toBe(1);
  });

  it('redacts and counts secrets by detector and location', async () => {
    // The client name lands in log lines (location log); arguments in the audit trail (input);
    // create_ticket echoes its title in the result (output).
    const { client } = await httpClient(server, 'bot-ops@example.com');
    const result = await callTool(client, 'create_ticket', { title: 'Call jane.doe@example.com', severity: 'high', body: `key ${API_KEY}` });
    // Result fields named like credentials (usage.inputTokens) are data, not secrets: left as they are.
    const summary = await callTool(client, 'summarize', { text: 'One sentence here. Another one there.' });
    await client.close();
    expect(summary.structuredContent).toMatchObject({ usage: { inputTokens: expect.any(Number) } });
    expect(textOf(result)).toContain('[REDACTED:email]');
    expect(textOf(result)).not.toContain('jane.doe@example.com');
    await new Promise((r) => setTimeout(r, 300)); // audit and log lines are written off the request path
    const audit = readFileSync(auditFile, 'utf8');
    expect(audit).not.toContain(API_KEY);
    expect(audit).not.toContain('bot-ops@example.com');
    expect(server.log()).not.toContain('bot-ops@example.com');
    const text = await scrape(server.base);
    expect(sumOf(text, 'mcp_redactions_total', { detector: 'email', location: 'output' })).toBe(1);
    // The title once, and the client name (an e-mail) on both audit records.
    expect(sumOf(text, 'mcp_redactions_total', { detector: 'email', location: 'input' })).toBe(3);
    expect(sumOf(text, 'mcp_redactions_total', { detector: 'stripe_key', location: 'input' })).toBe(1);
    expect(sumOf(text, 'mcp_redactions_total', { detector: 'email', location: 'log' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(text, 'mcp_redactions_total', { detector: 'stripe_key', location: 'output' })).toBe(0);
    expect(sumOf(text, 'mcp_redactions_total', { detector: 'key', location: 'output' })).toBe(0);
  });
});
