// Traffic the simulators do not send but the security and session panels read: a request without
// the bearer token, one from a foreign Origin, an unknown JSON-RPC method, an argument carrying
// an e-mail address (redacted from the audit trail) and a session left silent until the idle
// reaper closes it. Run once per server at the start of the data checks.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { STACK_AUTH_TOKEN } from '../settings.js';

const post = (url: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}', signal: AbortSignal.timeout(5_000) })
    .then((res) => res.arrayBuffer(), () => undefined);

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'mcp-stack-check', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${STACK_AUTH_TOKEN}` } },
  });
  await client.connect(transport);
  return client;
}

export interface Probes {
  /** Closes the silent session if the reaper has not already. */
  close: () => Promise<void>;
}

export async function probeServer(url: string): Promise<Probes> {
  await post(url, {});
  await post(url, { authorization: `Bearer ${STACK_AUTH_TOKEN}`, origin: 'http://attacker.example' });
  const client = await connect(url);
  await client.callTool({ name: 'search_docs', arguments: { query: 'ask probe@example.com about latency' } });
  // Answered with -32601 (method not found); the error is the point.
  await client.request({ method: 'stack-check/unknown-method', params: {} }, z.object({}).loose()).catch(() => undefined);
  await client.close();
  const silent = await connect(url);
  return { close: () => silent.close().catch(() => undefined) };
}
