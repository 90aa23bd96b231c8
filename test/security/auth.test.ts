// Bearer JWT validation on the reference server: each kind of bad token is refused with its RFC 6750
// status and challenge and counted under its reason (and, when the signature verified, its client);
// a good token lets a real SDK client in, with subject and client id in audit and log lines; the
// token never appears in logs, the audit trail or metrics. RS256 and ES256 keys work the same way.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, httpClient, JWT_SECRET, mintToken, scrape, startServer, sumOf, type RunningServer } from '../server/harness.js';

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'auth-test', version: '1' } } });

async function post(server: RunningServer, authorization?: string) {
  const res = await fetch(`${server.base}/mcp`, {
    method: 'POST', body: INITIALIZE,
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
  });
  return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '' };
}

const now = () => Math.floor(Date.now() / 1000);

describe('JWT bearer auth (HS256)', () => {
  let server: RunningServer;
  let auditFile: string;
  const bad = {
    malformed: 'not-a-jwt',
    expired: mintToken({ exp: now() - 3600, client_id: 'stale-agent' }),
    bad_signature: mintToken({ client_id: 'forged-agent' }, { alg: 'HS256', key: 'another-secret-0123456789-0123456789-xyz' }),
    wrong_audience: mintToken({ aud: 'some-other-api', client_id: 'sample-agent' }),
    wrong_issuer: mintToken({ iss: 'https://evil.example', client_id: 'sample-agent' }),
    not_yet_valid: mintToken({ nbf: now() + 3600, client_id: 'sample-agent' }),
    insufficient_scope: mintToken({ scope: 'mcp:read', client_id: 'sample-agent' }),
  };
  const good = mintToken({ sub: 'alice@example.com', client_id: 'sample-agent' });

  beforeAll(async () => {
    auditFile = join(mkdtempSync(join(tmpdir(), 'mcp-auth-')), 'audit.jsonl');
    server = await startServer(['--audit-file', auditFile], { MCP_JWT_SECRET: JWT_SECRET });
  });
  afterAll(async () => server.stop());

  it('answers a request without credentials 401 with a challenge and no error code', async () => {
    const r = await post(server);
    expect(r.status).toBe(401);
    expect(r.challenge).toBe('Bearer realm="mcp", scope="mcp:tools"');
  });

  it('answers another scheme 400 invalid_request', async () => {
    const r = await post(server, 'Basic dXNlcjpwYXNz');
    expect(r.status).toBe(400);
    expect(r.challenge).toContain('error="invalid_request"');
  });

  it.each(Object.entries(bad))('refuses a %s token with the RFC 6750 status and error', async (reason, token) => {
    const r = await post(server, `Bearer ${token}`);
    const scope = reason === 'insufficient_scope';
    expect(r.status).toBe(scope ? 403 : 401);
    expect(r.challenge).toContain(scope ? 'error="insufficient_scope"' : 'error="invalid_token"');
    expect(r.challenge).toMatch(/^Bearer realm="mcp", scope="mcp:tools", error="[a-z_]+", error_description="[^"]+"$/);
  });

  it('lets a real SDK client in with a good token and passes the identity to audit and log lines', async () => {
    const { client } = await httpClient(server, 'auth-test', good);
    expect((await callTool(client, 'search_docs', { query: 'metrics' })).isError).toBeFalsy();
    expect((await callTool(client, 'query_db', { query: '' })).isError).toBe(true); // invalid arguments
    await client.close();
    await expect(httpClient(server, 'auth-test', bad.expired)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300)); // audit lines are written off the request path
    const audit = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.at(-2)).toMatchObject({ tool: 'search_docs', subject: 'alice@example.com', client_id: 'sample-agent', outcome: 'ok' });
    expect(audit.at(-1)).toMatchObject({ tool: 'query_db', subject: 'alice@example.com', client_id: 'sample-agent', outcome: 'error' });
    // With an audit file the log repeats the failed call only (logAuditedCalls 'failed'), identity included.
    expect(server.log()).toMatch(/"level":"warning","message":"tools\/call".*"tool":"query_db".*"subject":"alice@example.com","client_id":"sample-agent"/);
    expect(server.log()).not.toMatch(/"message":"tools\/call".*"tool":"search_docs"/);
  });

  it('counts each failure under its reason; only tokens whose signature verified name their client', async () => {
    const text = await scrape(server.base);
    expect(sumOf(text, 'mcp_auth_failures_total', { reason: 'missing', client: '_OTHER' })).toBe(1);
    expect(sumOf(text, 'mcp_auth_failures_total', { reason: 'malformed', client: '_OTHER' })).toBe(2);
    expect(sumOf(text, 'mcp_auth_failures_total', { reason: 'bad_signature', client: '_OTHER' })).toBe(1);
    expect(sumOf(text, 'mcp_auth_failures_total', { reason: 'expired', client: 'stale-agent' })).toBe(2);
    for (const reason of ['wrong_audience', 'wrong_issuer', 'not_yet_valid', 'insufficient_scope']) {
      expect(sumOf(text, 'mcp_auth_failures_total', { reason, client: 'sample-agent' }), reason).toBe(1);
    }
    expect(text).not.toContain('forged-agent');
    // Each refusal is also one rejected request, counted under the same reason (not twice as an auth failure).
    expect(sumOf(text, 'mcp_rejected_requests_total', { reason: 'insufficient_scope' })).toBe(1);
    expect(sumOf(text, 'mcp_auth_failures_total')).toBe(10);
  });

  it('never writes a token, or its signature, to logs, the audit trail or metrics', async () => {
    const places = { log: server.log(), audit: readFileSync(auditFile, 'utf8'), metrics: await scrape(server.base) };
    for (const token of [good, ...Object.values(bad).filter((t) => t.includes('.'))]) {
      const signature = token.split('.')[2]!;
      for (const [where, text] of Object.entries(places)) {
        expect(text.includes(token), `token in ${where}`).toBe(false);
        expect(text.includes(signature), `signature in ${where}`).toBe(false);
      }
    }
  });
});

describe.each([
  { alg: 'RS256' as const, pair: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  { alg: 'ES256' as const, pair: () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) },
])('JWT bearer auth ($alg)', ({ alg, pair }) => {
  let server: RunningServer;
  const keys = pair();
  const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  beforeAll(async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'mcp-jwk-')), 'public.pem');
    writeFileSync(keyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    server = await startServer(['--jwt-public-key', keyFile]);
  });
  afterAll(async () => server.stop());

  it('accepts a token signed with the matching private key', async () => {
    const { client } = await httpClient(server, 'auth-test', mintToken({}, { alg, key: privatePem }));
    expect((await callTool(client, 'search_docs', { query: 'alerts' })).isError).toBeFalsy();
    await client.close();
  });

  it('refuses an HS256 token (algorithm confusion) and a token from another key as bad signatures', async () => {
    const other = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect((await post(server, `Bearer ${mintToken({}, { alg: 'HS256', key: JWT_SECRET })}`)).status).toBe(401);
    expect((await post(server, `Bearer ${mintToken({}, { alg, key: otherPem })}`)).status).toBe(401);
    expect(sumOf(await scrape(server.base), 'mcp_auth_failures_total', { reason: 'bad_signature' })).toBe(2);
  });
});
