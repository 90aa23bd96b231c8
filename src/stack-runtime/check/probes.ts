// Traffic the simulators do not send but the security and session panels read: refused bearer
// tokens (none, and an expired one from a known client), one from a foreign Origin, an unknown JSON-RPC method, an argument carrying
// an e-mail address (redacted from the audit trail), a burst of calls past the rate limit and a
// session left silent until the idle reaper closes it. Run once per server at the start of the data checks.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { stackToken } from '../auth.js';

const post = (url: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}', signal: AbortSignal.timeout(5_000) })
    .then((res) => res.arrayBuffer(), () => undefined);

const CLIENT_ID = 'stack-check';
/** Concurrent calls of the rate-limit probe: half again the stack's bucket. */
const RATE_LIMIT_BURST = 60;
// The check runs well under an hour; the silent session's token must outlive it.
const bearer = (ttlSeconds = 3_600) => ({ authorization: `Bearer ${stackToken(CLIENT_ID, ttlSeconds)}` });

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'mcp-stack-check', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: bearer() },
  });
  await client.connect(transport);
  return client;
}

export interface Probes {
  /** Closes the silent session if the reaper has not already. */
  close: () => Promise<void>;
}

export async function probeServer(url: string): Promise<Probes> {
  // Two auth failures (missing, expired): a 20 s drill window sees at most 0.1/s, below McpAuthFailuresBurst.
  await post(url, {});
  await post(url, bearer(-600));
  await post(url, { ...bearer(), origin: 'http://attacker.example' });
  const client = await connect(url);
  await client.callTool({ name: 'search_docs', arguments: { query: 'ask probe@example.com about latency' } });
  // Past the per-client bucket (STACK_RATE_LIMIT, 40 at once): the rest are refused with -32000. One
  // burst, not a held rate, so McpClientRateLimited stays quiet (its drill holds the rate).
  await Promise.allSettled(Array.from({ length: RATE_LIMIT_BURST }, () => client.callTool({ name: 'search_docs', arguments: { query: 'rate limit' } })));
  // Answered with -32601 (method not found); the error is the point.
  await client.request({ method: 'stack-check/unknown-method', params: {} }, z.object({}).loose()).catch(() => undefined);
  await client.close();
  const silent = await connect(url);
  return { close: () => silent.close().catch(() => undefined) };
}
