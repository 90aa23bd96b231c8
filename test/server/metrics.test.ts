// The scraped /metrics holds every catalogue series of the chosen profile, with values this test
// caused: calls, error codes, sizes, tokens, a failed handshake, rejected and unauthorised
// requests, a redacted secret, an audit trail, a closed and a reaped session, a finished task.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { getProfile, seriesNames, type ProfileName } from '../../src/catalog/index.js';
import { TASK_META_KEY, TASK_NOTIFICATION_METHOD } from '../../src/instrument/index.js';
import { SAMPLE_TOOL_NAMES } from '../../src/sample-server/tools/index.js';
import { admin, callTool, httpClient, JWT_SECRET, mintToken, rawRequest, scrape, startServer, sumOf, type RunningServer } from './harness.js';

const TOKEN = mintToken();
/** What the SDK client and server of this repository negotiate. */
const NEGOTIATED = LATEST_PROTOCOL_VERSION;
const IDLE_TIMEOUT_S = 2;
/**
 * prom-client exports nodejs_active_requests{type} only while a libuv request (fs, dns) is in
 * flight at scrape time; the reference server has none to hold open, so no test can cause it.
 */
const STATE_DEPENDENT = new Set(['nodejs_active_requests']);

const VALID_ARGS: Record<string, Record<string, unknown>> = {
  search_docs: { query: 'metrics' },
  query_db: { query: 'orders limit 2' },
  fetch_url: { url: 'https://docs.example.test/' },
  summarize: { text: 'One sentence here. Another sentence there.' },
  create_ticket: { title: 'Contact me', severity: 'low', body: 'reach me at jane.doe@example.com' },
};
const SUMMARY_INPUT_TOKENS = Math.ceil((VALID_ARGS.summarize!.text as string).length / 4);

/** Drives the server through every signal; returns when the idle session has been reaped. */
async function exercise(server: RunningServer): Promise<void> {
  const { client, transport } = await httpClient(server, 'metrics-test', TOKEN);
  // A client that vanishes without DELETE: its session stays open until the reaper closes it.
  await (await httpClient(server, 'vanishing-client', TOKEN)).client.close();
  for (const name of SAMPLE_TOOL_NAMES) {
    expect((await callTool(client, name, VALID_ARGS[name]!)).isError).toBeFalsy();
  }
  await callTool(client, 'search_docs', { query: 'sessions' }); // search_docs: 2 ok calls
  await callTool(client, 'teleport', {}); // unknown tool
  await callTool(client, 'query_db', { query: 42 }); // invalid arguments
  await callTool(client, 'fetch_url', { url: 'https://nowhere.example.test/' }); // tool error
  await expect(client.request({ method: 'tools/teleport', params: {} }, z.object({}))).rejects.toThrow(/-32601/);
  await client.callTool({ name: 'search_docs', arguments: { query: 'alerts' }, _meta: { [TASK_META_KEY]: { id: 'task-1', turn: 1 } } });
  await client.notification({ method: TASK_NOTIFICATION_METHOD, params: { taskId: 'task-1', outcome: 'success', turns: 1 } });
  await client.readResource({ uri: 'docs://index' });
  await client.readResource({ uri: 'docs://pages/metrics' });
  await expect(client.readResource({ uri: 'docs://pages/nope' })).rejects.toThrow(/-32002/); // template matched, no page
  await expect(client.readResource({ uri: 'files://etc/passwd' })).rejects.toThrow(/-32602/); // no such resource (SDK 1.x code)
  expect((await admin(server, 'POST', '{"resource":"docs-page","errorRate":1}')).status).toBe(200);
  await expect(client.readResource({ uri: 'docs://pages/alerts' })).rejects.toThrow(/-32603/); // injected fault
  expect((await admin(server, 'DELETE')).status).toBe(200);
  await client.getPrompt({ name: 'triage_ticket', arguments: { ticket: 'the dashboard is empty' } });
  await expect(client.getPrompt({ name: 'explain_doc', arguments: { id: 'nope' } })).rejects.toThrow(/-32603/);
  await expect(client.getPrompt({ name: 'make_coffee' })).rejects.toThrow(/-32602/);
  // Past the per-client bucket (--rate-limit 1:20): the rest of a burst is refused in band.
  const burst = await Promise.allSettled(Array.from({ length: 25 }, () => callTool(client, 'create_ticket', VALID_ARGS.create_ticket!)));
  expect(burst.some((r) => r.status === 'rejected' && /-32000/.test(String(r.reason)))).toBe(true);
  await transport.terminateSession();
  await client.close();

  const auth = { authorization: `Bearer ${TOKEN}` };
  expect((await rawRequest(server.port, { headers: auth, body: '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}' })).status).toBe(400);
  expect((await rawRequest(server.port, { headers: { ...auth, host: 'evil.example:80' }, body: '{}' })).status).toBe(403);
  expect((await rawRequest(server.port, { body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' })).status).toBe(401);
  expect((await rawRequest(server.port, { headers: { ...auth, 'mcp-session-id': 'no-such-session' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' })).status).toBe(404);

  // A heap fault and its release force a full GC, so the GC-duration histogram has data.
  expect((await admin(server, 'POST', '{"heapMb":20}')).status).toBe(200);
  expect((await admin(server, 'DELETE')).status).toBe(200);

  // The idle session sends nothing past the limit; scrapes run the reaper's sweep.
  await new Promise((r) => setTimeout(r, (IDLE_TIMEOUT_S + 0.5) * 1000));
  await scrape(server.base);
}

function expectEveryCatalogueSeries(profile: ProfileName, text: string): void {
  const present = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]));
  const expected = getProfile(profile).families.flatMap(seriesNames).filter((s) => !STATE_DEPENDENT.has(s));
  expect(expected.filter((s) => !present.has(s))).toEqual([]);
}

function profileSuite(profile: ProfileName, check: (text: string) => void) {
  describe(`/metrics in the ${profile} profile`, () => {
    let server: RunningServer;
    let text: string;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mcp-metrics-'));
      server = await startServer(['--profile', profile, '--idle-timeout', String(IDLE_TIMEOUT_S), '--rate-limit', '1:20', '--audit-file', join(dir, 'audit.jsonl')],
        { MCP_JWT_SECRET: JWT_SECRET });
      await exercise(server);
      text = await scrape(server.base);
    });
    afterAll(async () => server.stop());

    it('holds every catalogue series of the profile', () => expectEveryCatalogueSeries(profile, text));
    it('holds the values this test caused', () => check(text));
  });
}

profileSuite('prom-client', (text) => {
  expect(sumOf(text, 'mcp_tool_invocations_total', { tool: 'search_docs', status: 'ok' })).toBe(3);
  expect(sumOf(text, 'mcp_tool_invocations_total', { tool: 'summarize', status: 'ok' })).toBe(1);
  expect(sumOf(text, 'mcp_tool_errors_total', { tool: '_OTHER', error_type: 'unknown_tool' })).toBe(1);
  expect(sumOf(text, 'mcp_tool_errors_total', { tool: 'query_db', error_type: 'invalid_params' })).toBe(1);
  expect(sumOf(text, 'mcp_tool_errors_total', { tool: 'fetch_url', error_type: 'tool_error' })).toBe(1);
  expect(sumOf(text, 'mcp_tool_hallucinations_total', { kind: 'unknown_tool' })).toBe(1);
  expect(sumOf(text, 'mcp_tool_duration_seconds_count', { tool: 'search_docs' })).toBe(3);
  expect(sumOf(text, 'mcp_jsonrpc_errors_total', { code: '-32601' })).toBe(1);
  expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'success', client_name: 'metrics-test' })).toBe(1);
  expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'failure' })).toBe(1);
  expect(sumOf(text, 'mcp_message_size_bytes_count', { direction: 'in', type: 'request' })).toBeGreaterThanOrEqual(12);
  expect(sumOf(text, 'mcp_message_size_bytes_sum', { direction: 'out', type: 'response' })).toBeGreaterThan(1000);
  expect(sumOf(text, 'mcp_tool_tokens_total', { tool: 'summarize', token_type: 'input' })).toBe(SUMMARY_INPUT_TOKENS);
  expect(sumOf(text, 'mcp_tool_cost_usd_total', { tool: 'summarize' })).toBeGreaterThan(0);
  expect(sumOf(text, 'mcp_agent_tasks_total', { outcome: 'success' })).toBe(1);
  expect(sumOf(text, 'mcp_agent_task_turns_sum', { outcome: 'success' })).toBe(1);
  expect(sumOf(text, 'mcp_rejected_requests_total', { reason: 'bad_host' })).toBe(1);
  expect(sumOf(text, 'mcp_rejected_requests_total', { reason: 'unknown_session' })).toBe(1);
  expect(sumOf(text, 'mcp_auth_failures_total', { reason: 'missing', client: '_OTHER' })).toBe(1);
  expect(sumOf(text, 'mcp_redactions_total', { detector: 'email' })).toBeGreaterThanOrEqual(1);
  expect(sumOf(text, 'mcp_audit_records_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(7);
  expect(sumOf(text, 'mcp_session_duration_seconds_count', { transport: 'http' })).toBe(2);
  expect(sumOf(text, 'mcp_sessions_reaped_total', { transport: 'http' })).toBe(1);
  expect(sumOf(text, 'mcp_active_connections', { transport: 'http' })).toBe(0);
  expect(sumOf(text, 'mcp_throttled_requests_total', { client_name: 'metrics-test', tool: 'create_ticket', limit: 'client' })).toBeGreaterThanOrEqual(1);
  expect(sumOf(text, 'mcp_rate_limited_clients')).toBe(1);
  // Every request is counted under the protocol version its session negotiated (none before initialize).
  expect(sumOf(text, 'mcp_protocol_version_requests_total')).toBe(sumOf(text, 'mcp_requests_total'));
  expect(sumOf(text, 'mcp_protocol_version_requests_total', { protocol_version: NEGOTIATED })).toBeGreaterThan(10);
  const page = 'docs://pages/{id}';
  expect(sumOf(text, 'mcp_resource_reads_total', { resource: 'docs://index', status: 'ok' })).toBe(1);
  expect(sumOf(text, 'mcp_resource_reads_total', { resource: page, status: 'ok' })).toBe(1);
  expect(sumOf(text, 'mcp_resource_reads_total', { resource: page, status: 'not_found' })).toBe(1);
  expect(sumOf(text, 'mcp_resource_reads_total', { resource: page, status: 'error' })).toBe(1);
  expect(sumOf(text, 'mcp_resource_reads_total', { resource: '_OTHER', status: 'not_found' })).toBe(1);
  expect(sumOf(text, 'mcp_resource_response_size_bytes_count', { resource: page })).toBe(1);
  expect(sumOf(text, 'mcp_resource_response_size_bytes_sum', { resource: 'docs://index' })).toBeGreaterThan(100);
  expect(sumOf(text, 'mcp_prompt_gets_total', { prompt: 'triage_ticket', status: 'ok' })).toBe(1);
  expect(sumOf(text, 'mcp_prompt_gets_total', { prompt: 'explain_doc', status: 'error' })).toBe(1);
  expect(sumOf(text, 'mcp_prompt_gets_total', { prompt: '_OTHER', status: 'error' })).toBe(1);
});

profileSuite('otel', (text) => {
  const op = 'mcp_server_operation_duration_seconds_count';
  const call = { mcp_method_name: 'tools/call', network_transport: 'tcp' };
  expect(sumOf(text, op, { ...call, gen_ai_tool_name: 'search_docs', error_type: '' })).toBe(3);
  expect(sumOf(text, op, { ...call, gen_ai_tool_name: '_OTHER', error_type: '-32602' })).toBe(1);
  expect(sumOf(text, op, { ...call, gen_ai_tool_name: 'query_db', error_type: '-32602' })).toBe(1);
  expect(sumOf(text, op, { ...call, gen_ai_tool_name: 'fetch_url', error_type: 'tool_error' })).toBe(1);
  expect(sumOf(text, op, { rpc_response_status_code: '-32601', error_type: '-32601' })).toBe(1);
  expect(sumOf(text, op, { mcp_method_name: 'initialize', error_type: '' })).toBe(2);
  expect(sumOf(text, op, { mcp_method_name: 'initialize', error_type: '-32602' })).toBe(1);
  expect(sumOf(text, 'mcp_server_session_duration_seconds_count', { network_transport: 'tcp', error_type: '' })).toBe(1);
  expect(sumOf(text, 'mcp_server_session_duration_seconds_count', { network_transport: 'tcp', error_type: 'timeout' })).toBe(1);
  expect(sumOf(text, 'v8js_memory_heap_used_bytes')).toBeGreaterThan(0);
  expect(sumOf(text, op, { mcp_method_name: 'resources/read', error_type: '' })).toBe(2);
  expect(sumOf(text, op, { mcp_method_name: 'resources/read', error_type: '-32002' })).toBe(1);
  expect(sumOf(text, op, { mcp_method_name: 'prompts/get', gen_ai_prompt_name: 'triage_ticket', error_type: '' })).toBe(1);
  expect(sumOf(text, op, { mcp_method_name: 'prompts/get', gen_ai_prompt_name: '_OTHER', error_type: '-32602' })).toBe(1);
});
