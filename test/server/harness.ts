// Starts the reference server as a real process (as users run it) and connects real SDK clients.
import { request } from 'node:http';
import { execa, type ResultPromise } from 'execa';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { signJwt, type SigningKey } from '../../src/sample-server/auth/jwt.js';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SCOPE } from '../../src/sample-server/options.js';

export const REPO = new URL('../../', import.meta.url).pathname;
export const SERVER_ENTRY = 'src/sample-server/bin.ts';
/** node + tsx loader, the same way for spawning from tests and from the SDK's stdio client. */
export const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;

export interface RunningServer {
  process: ResultPromise;
  port: number;
  base: string;
  /** Everything the server wrote to stderr (its JSON log lines). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the server on a free port (HTTP mode, or stdio mode's metrics port) and waits for its "started" log line. */
export async function startServer(args: string[] = [], env: Record<string, string> = {}, startTimeoutMs = 20_000): Promise<RunningServer> {
  const child = execa(NODE_TSX[0], [...NODE_TSX.slice(1), SERVER_ENTRY, '--port', '0', ...args], {
    cwd: REPO, env, reject: false, stdin: 'ignore', buffer: false,
  });
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs / 1000} s:\n${stderr}`)), startTimeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const started = /"message":"sample server started".*?"port":(\d+)/.exec(stderr);
      if (started) {
        clearTimeout(timer);
        resolve(Number(started[1]));
      }
    });
    void child.then((r) => reject(new Error(`server exited (${r.exitCode}) before starting:\n${stderr}`)));
  });
  return {
    process: child,
    port,
    base: `http://127.0.0.1:${port}`,
    log: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

export async function httpClient(server: RunningServer, name = 'test-client', token?: string):
  Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name, version: '1.0.0' });
  const requestInit = token ? { headers: { authorization: `Bearer ${token}` } } : undefined;
  const transport = new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit });
  await client.connect(transport);
  return { client, transport };
}

/** A client speaking stdio to a server it spawns; the server's metrics/admin port is read from its log. */
export async function stdioClient(args: string[] = [], env: Record<string, string> = {}): Promise<{ client: Client; metricsBase: string }> {
  const client = new Client({ name: 'test-stdio-client', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: NODE_TSX[0], args: [...NODE_TSX.slice(1), SERVER_ENTRY, '--transport', 'stdio', '--metrics-port', '0', ...args],
    cwd: REPO, env: { ...process.env as Record<string, string>, ...env }, stderr: 'pipe',
  });
  const port = announcedPort(transport.stderr!);
  await client.connect(transport);
  return { client, metricsBase: `http://127.0.0.1:${await port}` };
}

/** The metrics/admin port a stdio reference server announces in its start-up log line on stderr. */
export function announcedPort(stderr: NodeJS.EventEmitter): Promise<number> {
  let text = '';
  return new Promise<number>((resolve) => {
    stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const started = /"message":"sample server started".*?"port":(\d+)/.exec(text);
      if (started) resolve(Number(started[1]));
    });
  });
}

export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }) as CallToolResult;
}

export const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

export async function admin(server: RunningServer, method: 'GET' | 'POST' | 'DELETE', body?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.base}/admin/faults`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
  return { status: res.status, json: await res.json() };
}

/** A raw HTTP request with full control of headers (fetch will not send a foreign Host). */
export function rawRequest(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }):
  Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/mcp',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

// One parser of the exposition for every suite.
export { samples, scrape, value as sumOf } from '../instrument/scrape.js';

/** HS256 secret the tests start servers with (MCP_JWT_SECRET). */
export const JWT_SECRET = 'test-secret-0123456789-0123456789-abcdef';

/** A token the server started with JWT_SECRET accepts, unless `claims` or `key` say otherwise. */
export function mintToken(claims: Record<string, unknown> = {}, key: SigningKey = { alg: 'HS256', key: JWT_SECRET }): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ iss: DEFAULT_JWT_ISSUER, aud: DEFAULT_JWT_AUDIENCE, sub: 'agent-user', client_id: 'sample-agent',
    scope: DEFAULT_JWT_SCOPE, iat: now, nbf: now, exp: now + 600, ...claims }, key);
}
