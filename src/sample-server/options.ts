// Command-line options of the reference server, validated with messages that name the flag.
import type { ProfileName } from '@mcp-observability/catalog';
import type { BucketLimit } from '@mcp-observability/instrument';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { algorithmOf, publicKeyFromPem, type JwtPolicy } from './auth/jwt.js';
import { isLoopbackHostname } from './http-guards.js';

/** The MCP TypeScript SDK major the server is built on. */
export type SdkMajor = 1 | 2;

export interface ServerOptions {
  transport: 'stdio' | 'http';
  /**
   * 1: @modelcontextprotocol/sdk, 2025-era protocol, HTTP sessions (Mcp-Session-Id).
   * 2: @modelcontextprotocol/server, both eras on the same endpoint: 2026-07-28 clients and
   * 2025-era clients (stateless over HTTP: no sessions; stdio keeps its one connection).
   */
  sdk: SdkMajor;
  port: number;
  host: string;
  metricsPort: number | undefined;
  profile: ProfileName;
  idleTimeoutSeconds: number;
  auditFile: string | undefined;
  logFile: string | undefined;
  /** OTLP/HTTP base URL for spans; tracing is off when undefined. */
  otlpEndpoint: string | undefined;
  /** Bearer JWT validation on /mcp; undefined = open. */
  jwt: JwtPolicy | undefined;
  /** tools/call result text beyond this many bytes is truncated. */
  maxResponseBytes: number;
  /** tools/call token bucket per client name; off when undefined. */
  rateLimit: BucketLimit | undefined;
}

export const DEFAULT_JWT_ISSUER = 'mcp-observability-local';
export const DEFAULT_JWT_AUDIENCE = 'mcp-observability-sample';
export const DEFAULT_JWT_SCOPE = 'mcp:tools';
export const DEFAULT_MAX_RESPONSE_BYTES = 65_536;

export const SERVER_USAGE = `Usage: npm run sample-server -- [options]

  --transport stdio|http   MCP transport (default http)
  --sdk 1|2                MCP TypeScript SDK major (default 1): 1 = @modelcontextprotocol/sdk, 2025-era
                           protocol with HTTP sessions; 2 = @modelcontextprotocol/server, serving
                           2026-07-28 clients and 2025-era clients on the same endpoint (HTTP stateless)
  --port N                 HTTP port for /mcp, /metrics, /health, /ready, /admin/faults (default 3100)
  --host H                 bind address: 127.0.0.1, localhost or ::1 (default 127.0.0.1)
  --metrics-port N         stdio mode: serve /metrics, /health, /ready and /admin/faults on this port
  --profile P              metric profile: prom-client or otel (default prom-client)
  --idle-timeout S         close HTTP sessions silent for S seconds; 0 = never (default 300)
  --audit-file PATH        append one JSON audit line per tool call
  --log-file PATH          write JSON logs here instead of stderr
  --otlp-endpoint URL      export a span per request over OTLP/HTTP to URL (e.g. http://127.0.0.1:4318);
                           default $OTEL_EXPORTER_OTLP_ENDPOINT, tracing off when neither is set
  --max-response-bytes N   truncate tool result text beyond N bytes (default ${DEFAULT_MAX_RESPONSE_BYTES})
  --rate-limit R:B         refuse tools/call past a token bucket per client name: R calls/s, bursts of B
                           (answered with JSON-RPC -32000); off by default
  --jwt-secret S           HTTP mode: require an HS256 JWT bearer token signed with S (prefer MCP_JWT_SECRET)
  --jwt-public-key PATH    HTTP mode: require an RS256 or ES256 JWT verified with this PEM public key
  --jwt-issuer I           required iss claim (default ${DEFAULT_JWT_ISSUER})
  --jwt-audience A         required aud claim (default ${DEFAULT_JWT_AUDIENCE})
  --jwt-scope S            scope every token must carry (default ${DEFAULT_JWT_SCOPE})
  --help                   show this help

Environment: MCP_JWT_SECRET / MCP_JWT_PUBLIC_KEY (a PEM file path) as the flags above; mint a token with
npm run mint-token (docs/security.md).
Faults: set MCP_FAULTS='{"tool":"search_docs","latencyMs":800}' or use the admin API (docs/sample-server.md).`;

export class UsageError extends Error {}

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: expected a port number 0-65535, got "${value}"`);
  return n;
}

function otlpEndpoint(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--otlp-endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT): expected an http(s) URL such as http://127.0.0.1:4318, got "${raw}"`);
  }
  return raw;
}

/** Parses argv; returns undefined when --help was asked for. */
export function parseServerOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        transport: { type: 'string', default: 'http' },
        sdk: { type: 'string', default: '1' },
        port: { type: 'string', default: '3100' },
        host: { type: 'string', default: '127.0.0.1' },
        'metrics-port': { type: 'string' },
        profile: { type: 'string', default: 'prom-client' },
        'idle-timeout': { type: 'string', default: '300' },
        'audit-file': { type: 'string' },
        'log-file': { type: 'string' },
        'otlp-endpoint': { type: 'string' },
        'max-response-bytes': { type: 'string', default: String(DEFAULT_MAX_RESPONSE_BYTES) },
        'rate-limit': { type: 'string' },
        'jwt-secret': { type: 'string' },
        'jwt-public-key': { type: 'string' },
        'jwt-issuer': { type: 'string', default: DEFAULT_JWT_ISSUER },
        'jwt-audience': { type: 'string', default: DEFAULT_JWT_AUDIENCE },
        'jwt-scope': { type: 'string', default: DEFAULT_JWT_SCOPE },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return undefined;
  if (values.transport !== 'stdio' && values.transport !== 'http') {
    throw new UsageError(`--transport: expected stdio or http, got "${values.transport}"`);
  }
  if (values.sdk !== '1' && values.sdk !== '2') throw new UsageError(`--sdk: expected 1 or 2, got "${values.sdk}"`);
  if (values.profile !== 'prom-client' && values.profile !== 'otel') {
    throw new UsageError(`--profile: expected prom-client or otel, got "${values.profile}"`);
  }
  const hostname = values.host.includes(':') ? `[${values.host}]` : values.host;
  if (!isLoopbackHostname(hostname)) {
    throw new UsageError(`--host: the sample server only binds loopback (127.0.0.1, localhost, ::1), got "${values.host}"`);
  }
  const idle = Number(values['idle-timeout']);
  if (!Number.isFinite(idle) || idle < 0) throw new UsageError(`--idle-timeout: expected seconds >= 0, got "${values['idle-timeout']}"`);
  const maxResponseBytes = Number(values['max-response-bytes']);
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
    throw new UsageError(`--max-response-bytes: expected a whole number of bytes >= 1, got "${values['max-response-bytes']}"`);
  }
  return {
    transport: values.transport,
    sdk: values.sdk === '2' ? 2 : 1,
    port: port('--port', values.port)!,
    host: values.host,
    metricsPort: port('--metrics-port', values['metrics-port']),
    profile: values.profile,
    idleTimeoutSeconds: idle,
    auditFile: values['audit-file'],
    logFile: values['log-file'],
    otlpEndpoint: otlpEndpoint(values['otlp-endpoint'] ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined)),
    jwt: jwtPolicy(values, env),
    maxResponseBytes,
    rateLimit: rateLimit(values['rate-limit']),
  };
}

function rateLimit(value: string | undefined): BucketLimit | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(value);
  const ratePerSecond = Number(m?.[1]);
  const burst = Number(m?.[2]);
  if (!m || !(ratePerSecond > 0) || burst < 1) {
    throw new UsageError(`--rate-limit: expected calls per second and burst as R:B (e.g. 5:20), R > 0 and B >= 1, got "${value}"`);
  }
  return { ratePerSecond, burst };
}

function jwtPolicy(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): JwtPolicy | undefined {
  const secret = (values['jwt-secret'] as string | undefined) ?? (env.MCP_JWT_SECRET || undefined);
  const keyFile = (values['jwt-public-key'] as string | undefined) ?? (env.MCP_JWT_PUBLIC_KEY || undefined);
  if (secret !== undefined && keyFile !== undefined) {
    throw new UsageError('--jwt-secret and --jwt-public-key (or MCP_JWT_SECRET and MCP_JWT_PUBLIC_KEY): give one, not both');
  }
  const claims = { issuer: values['jwt-issuer'] as string, audience: values['jwt-audience'] as string, scope: values['jwt-scope'] as string };
  if (secret !== undefined) {
    // HS256 needs a key at least as long as the hash (RFC 7518 §3.2).
    if (Buffer.byteLength(secret) < 32) throw new UsageError('--jwt-secret / MCP_JWT_SECRET: expected at least 32 bytes');
    return { key: { secret }, ...claims };
  }
  if (keyFile === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new UsageError(`--jwt-public-key / MCP_JWT_PUBLIC_KEY: cannot read ${keyFile}: ${(err as Error).message}`);
  }
  try {
    const key = { publicKey: publicKeyFromPem(pem) };
    algorithmOf(key);
    return { key, ...claims };
  } catch (err) {
    throw new UsageError(`--jwt-public-key / MCP_JWT_PUBLIC_KEY: ${(err as Error).message}`);
  }
}
