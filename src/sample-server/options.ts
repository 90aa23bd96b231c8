// Command-line options of the reference server, validated with messages that name the flag.
import { parseArgs } from 'node:util';
import { isLoopbackHostname } from './http-guards.js';

export interface ServerOptions {
  transport: 'stdio' | 'http';
  port: number;
  host: string;
  metricsPort: number | undefined;
  profile: 'prom-client' | 'otel';
  idleTimeoutSeconds: number;
  auditFile: string | undefined;
  logFile: string | undefined;
  /** OTLP/HTTP base URL for spans; tracing is off when undefined. */
  otlpEndpoint: string | undefined;
}

export const SERVER_USAGE = `Usage: npm run sample-server -- [options]

  --transport stdio|http   MCP transport (default http)
  --port N                 HTTP port for /mcp, /metrics, /health, /ready, /admin/faults (default 3100)
  --host H                 bind address: 127.0.0.1, localhost or ::1 (default 127.0.0.1)
  --metrics-port N         stdio mode: serve /metrics, /health, /ready and /admin/faults on this port
  --profile P              metric profile: prom-client or otel (default prom-client)
  --idle-timeout S         close HTTP sessions silent for S seconds; 0 = never (default 300)
  --audit-file PATH        append one JSON audit line per tool call
  --log-file PATH          write JSON logs here instead of stderr
  --otlp-endpoint URL      export a span per request over OTLP/HTTP to URL (e.g. http://127.0.0.1:4318);
                           default $OTEL_EXPORTER_OTLP_ENDPOINT, tracing off when neither is set
  --help                   show this help

Environment: MCP_AUTH_TOKEN=T makes /mcp require "Authorization: Bearer T" (HTTP mode).
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
        port: { type: 'string', default: '3100' },
        host: { type: 'string', default: '127.0.0.1' },
        'metrics-port': { type: 'string' },
        profile: { type: 'string', default: 'prom-client' },
        'idle-timeout': { type: 'string', default: '300' },
        'audit-file': { type: 'string' },
        'log-file': { type: 'string' },
        'otlp-endpoint': { type: 'string' },
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
  if (values.profile !== 'prom-client' && values.profile !== 'otel') {
    throw new UsageError(`--profile: expected prom-client or otel, got "${values.profile}"`);
  }
  const hostname = values.host.includes(':') ? `[${values.host}]` : values.host;
  if (!isLoopbackHostname(hostname)) {
    throw new UsageError(`--host: the sample server only binds loopback (127.0.0.1, localhost, ::1), got "${values.host}"`);
  }
  const idle = Number(values['idle-timeout']);
  if (!Number.isFinite(idle) || idle < 0) throw new UsageError(`--idle-timeout: expected seconds >= 0, got "${values['idle-timeout']}"`);
  return {
    transport: values.transport,
    port: port('--port', values.port)!,
    host: values.host,
    metricsPort: port('--metrics-port', values['metrics-port']),
    profile: values.profile,
    idleTimeoutSeconds: idle,
    auditFile: values['audit-file'],
    logFile: values['log-file'],
    otlpEndpoint: otlpEndpoint(values['otlp-endpoint'] ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined)),
  };
}
