// The agent's MCP client, in the protocol era it speaks: a 2025-era client (SDK 1.x: initialize,
// then Mcp-Session-Id over HTTP) or a 2026-07-28 client (SDK 2.x pinned to that revision:
// server/discover, every request carrying its _meta envelope, no session). A 2026-07-28 client
// needs a server that serves that revision (the reference server with --sdk 2).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { Client as ClientV2, StreamableHTTPClientTransport as HttpTransportV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioTransportV2 } from '@modelcontextprotocol/client/stdio';
import type { ContextClient } from './context.js';

export const PROTOCOL_ERAS = ['2025', '2026-07-28'] as const;
export type ProtocolEra = (typeof PROTOCOL_ERAS)[number];

/** Where the server is: a Streamable HTTP URL, or a stdio command (one server process per client). */
export interface Endpoint {
  url?: URL;
  command?: string[];
  /** Sent as a bearer token over HTTP. */
  token?: string;
}

export interface AgentClient {
  readonly era: ProtocolEra;
  /** The HTTP session, where the era has one. */
  readonly sessionId: string | undefined;
  listTools(): Promise<Tool[]>;
  callTool(params: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> }): Promise<CallToolResult>;
  notification(notification: { method: string; params: Record<string, unknown> }): Promise<void>;
  /** Resources and prompts, where the server offers them. */
  readonly context: ContextClient;
  /** Ends the session (where there is one) and closes the transport. */
  close(): Promise<void>;
}

export async function connectClient(era: ProtocolEra, name: string, endpoint: Endpoint): Promise<AgentClient> {
  const info = { name, version: '0.1.0' };
  const requestInit = endpoint.token ? { headers: { authorization: `Bearer ${endpoint.token}` } } : undefined;
  const [command, ...args] = endpoint.command ?? [];
  if (era === '2025') {
    const client = new Client(info);
    const transport = command !== undefined
      ? new StdioClientTransport({ command, args, stderr: 'ignore' })
      : new StreamableHTTPClientTransport(endpoint.url!, { requestInit });
    await client.connect(transport);
    return {
      era,
      get sessionId() { return transport instanceof StreamableHTTPClientTransport ? transport.sessionId : undefined; },
      listTools: async () => (await client.listTools()).tools,
      callTool: async (params) => (await client.callTool(params)) as CallToolResult,
      notification: (n) => client.notification(n),
      context: client,
      async close() {
        if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => {});
        await client.close();
      },
    };
  }
  const client = new ClientV2(info, { versionNegotiation: { mode: { pin: era } } });
  await client.connect(command !== undefined
    ? new StdioTransportV2({ command, args, stderr: 'ignore' })
    : new HttpTransportV2(endpoint.url!, { requestInit }));
  return {
    era,
    sessionId: undefined,
    // The SDK 2.x wire types match the 1.x ones the agent reads.
    listTools: async () => (await client.listTools()).tools as Tool[],
    callTool: async (params) => (await client.callTool(params)) as CallToolResult,
    notification: (n) => client.notification(n),
    context: client as unknown as ContextClient,
    close: () => client.close(),
  };
}
