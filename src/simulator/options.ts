// Command-line options of the load simulator. Loopback only: it is a load generator, and must
// never be pointed at someone else's server.
import { parseArgs } from 'node:util';
import type { TracingOptions } from '@mcp-observability/instrument';
import { PROTOCOL_ERAS, type ProtocolEra } from './client.js';

/** One protocol era for every agent, or a mix (agents alternate between the eras). */
export type ProtocolChoice = ProtocolEra | 'mix';

export interface SimulatorOptions {
  /** Streamable HTTP endpoint, or undefined when a stdio command is given. */
  url: URL | undefined;
  /** Server command for stdio (one process per session). */
  command: string[] | undefined;
  protocol: ProtocolChoice;
  durationSeconds: number;
  /** Stop once this many tool calls were made (the duration still caps the run); undefined = no limit. */
  maxCalls: number | undefined;
  sessions: number;
  rate: number;
  hallucinationRate: number;
  invalidArgsRate: number;
  unknownToolBurst: number;
  seed: number;
  /** Agent spans (session → task → turn → tools/call) and a traceparent in each call's `_meta`; off when undefined. */
  tracing?: TracingOptions;
}

export const SIMULATOR_USAGE = `Usage: npm run simulate -- [options] [-- <stdio server command...>]

  --url URL                  Streamable HTTP endpoint on a loopback host (default http://127.0.0.1:3100/mcp)
  --protocol P               2025 (initialize, sessions), 2026-07-28 (server/discover, stateless; needs a
                             server serving that revision, e.g. the sample server with --sdk 2) or mix
                             (agents alternate between the two) (default 2025)
  --duration S               run time in seconds, 1-3600 (default 60)
  --calls N                  stop after N tool calls, 1-1000000 (default: no limit; --duration still caps the run)
  --sessions N               concurrent agent sessions, 1-64 (default 4)
  --rate R                   tool calls per second across all sessions, 0.1-500 (default 8)
  --hallucination-rate P     share of turns calling an invented tool name, 0-0.5 (default 0.05)
  --invalid-args-rate P      share of turns sending schema-violating arguments, 0-0.5 (default 0.03)
  --unknown-tool-burst N     first send N calls with random unknown tool names, 0-10000 (default 0)
  --seed N                   random seed, for repeatable runs (default: time-based)
  --trace                    send a W3C traceparent in each tools/call's _meta and export the agent's
                             session/task/turn/tools/call spans over OTLP/HTTP
  --otlp-endpoint URL        OTLP/HTTP base URL for --trace (default $OTEL_EXPORTER_OTLP_ENDPOINT or http://127.0.0.1:4318)
  --help                     show this help

MCP_AUTH_TOKEN in the environment is sent as a bearer token (e.g. from npm run mint-token, for a server started with --jwt-secret).
With a command after "--" the simulator speaks stdio instead, spawning one server per session:
  npm run simulate -- --duration 10 --sessions 1 -- npx tsx scripts/sample-server.ts --transport stdio`;

export class UsageError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function numberIn(flag: string, raw: string, min: number, max: number, integer = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

export function parseLoopbackUrl(raw: string, flag = '--url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag}: not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag}: expected http(s), got ${url.protocol}`);
  if (!LOOPBACK.has(url.hostname)) {
    throw new UsageError(`${flag}: the simulator only targets loopback hosts (127.0.0.1, localhost, [::1]); got ${url.hostname}`);
  }
  return url;
}

function tracingOption(trace: boolean, endpoint: string | undefined): TracingOptions | undefined {
  if (endpoint !== undefined && !trace) throw new UsageError('--otlp-endpoint: only meaningful with --trace');
  if (!trace) return undefined;
  if (endpoint !== undefined) parseLoopbackUrl(endpoint, '--otlp-endpoint');
  return { endpoint };
}

/** Parses argv; returns undefined when --help was asked for. */
export function parseSimulatorOptions(argv: readonly string[]): SimulatorOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:3100/mcp' },
        protocol: { type: 'string', default: '2025' },
        duration: { type: 'string', default: '60' },
        calls: { type: 'string' },
        sessions: { type: 'string', default: '4' },
        rate: { type: 'string', default: '8' },
        'hallucination-rate': { type: 'string', default: '0.05' },
        'invalid-args-rate': { type: 'string', default: '0.03' },
        'unknown-tool-burst': { type: 'string', default: '0' },
        seed: { type: 'string' },
        trace: { type: 'boolean', default: false },
        'otlp-endpoint': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const command = positionals.length > 0 ? positionals : undefined;
  const protocol = values.protocol as ProtocolChoice;
  if (protocol !== 'mix' && !(PROTOCOL_ERAS as readonly string[]).includes(protocol)) {
    throw new UsageError(`--protocol: expected ${PROTOCOL_ERAS.join(', ')} or mix, got "${values.protocol}"`);
  }
  return {
    url: command ? undefined : parseLoopbackUrl(values.url),
    command,
    protocol,
    durationSeconds: numberIn('--duration', values.duration, 1, 3600),
    maxCalls: values.calls === undefined ? undefined : numberIn('--calls', values.calls, 1, 1_000_000, true),
    sessions: numberIn('--sessions', values.sessions, 1, 64, true),
    rate: numberIn('--rate', values.rate, 0.1, 500),
    hallucinationRate: numberIn('--hallucination-rate', values['hallucination-rate'], 0, 0.5),
    invalidArgsRate: numberIn('--invalid-args-rate', values['invalid-args-rate'], 0, 0.5),
    unknownToolBurst: numberIn('--unknown-tool-burst', values['unknown-tool-burst'], 0, 10_000, true),
    seed: values.seed === undefined ? Date.now() % 2 ** 31 : numberIn('--seed', values.seed, 0, 2 ** 31 - 1, true),
    tracing: tracingOption(values.trace, values['otlp-endpoint']),
  };
}
