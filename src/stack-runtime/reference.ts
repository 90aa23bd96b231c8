// The repository's reference stack: one reference server per profile (so both dashboard sets have
// data) and a simulator driving each, started beside the CLI's stack (Prometheus, Alertmanager,
// webhook, Grafana). Their ports come from the environment like the stack's own.
import { join } from 'node:path';
import type { ProfileName } from '@mcp-observability/catalog';
import type { Config } from 'mcp-observability';
import { http, portFromEnv, type ScrapeTarget, type ServiceSpec, type StackSettings } from 'mcp-observability/stack';
import { STACK_JWT_SECRET, stackToken } from './auth.js';

export interface ServerPorts {
  /** The reference server exporting the prom-client profile. */
  'prom-client': number;
  /** The reference server exporting the otel profile. */
  otel: number;
}

export const SERVER_PORT_ENV: Readonly<Record<ProfileName, { env: string; default: number }>> = {
  'prom-client': { env: 'MCP_STACK_SERVER_PORT', default: 3100 },
  otel: { env: 'MCP_STACK_OTEL_SERVER_PORT', default: 3101 },
};

export function serverPorts(env: NodeJS.ProcessEnv = process.env): ServerPorts {
  return { 'prom-client': portFromEnv(env, SERVER_PORT_ENV['prom-client']), otel: portFromEnv(env, SERVER_PORT_ENV.otel) };
}

/** Seconds of silence after which the stack's servers reap a session (short, so the reaper panels have data). */
export const STACK_IDLE_TIMEOUT_SECONDS = 20;

/** Prometheus job of the reference server of a profile; matches the default rule selector job=~"mcp.*". */
export const serverJob = (profile: ProfileName): string => `mcp-${profile}`;
export const simulatorName = (profile: ProfileName): string => `simulator-${profile}`;

/** A workspace program run from its TypeScript source, so the recorded PID is the program itself. */
export function devProgram(root: string, file: string): string[] {
  return [process.execPath, '--conditions=@mcp-observability/source', '--import', 'tsx', join(root, file)];
}

/**
 * Simulator load while the stack runs: light (the machine is shared), with some bad calls so quality
 * panels have data. The simulator runs at most an hour; `npm run up` again restarts it.
 */
export const SIMULATOR_LOAD: SimulatorLoad = { durationSeconds: 3_600, sessions: 2, rate: 4, hallucinationRate: 0.02, invalidArgsRate: 0.01 };

export interface SimulatorLoad {
  durationSeconds: number;
  sessions: number;
  rate: number;
  hallucinationRate?: number;
  invalidArgsRate?: number;
  unknownToolBurst?: number;
}

/** The simulator's bearer token (MCP_AUTH_TOKEN), valid a little beyond its run. */
export function simulatorEnv(clientId: string, load: SimulatorLoad): Record<string, string> {
  return { MCP_AUTH_TOKEN: stackToken(clientId, load.durationSeconds + 600) };
}

/** The simulator against `url` (the server's /mcp endpoint) with a given load. */
export function simulatorArgv(root: string, url: string, load: SimulatorLoad): string[] {
  const optional = (flag: string, value: number | undefined) => (value === undefined ? [] : [flag, String(value)]);
  return [...devProgram(root, 'src/simulator/bin.ts'), '--url', url, '--duration', String(load.durationSeconds),
    '--sessions', String(load.sessions), '--rate', String(load.rate),
    ...optional('--hallucination-rate', load.hallucinationRate), ...optional('--invalid-args-rate', load.invalidArgsRate),
    ...optional('--unknown-tool-burst', load.unknownToolBurst)];
}

/** The reference servers as scrape targets. */
export function referenceTargets(config: Config, ports: ServerPorts): ScrapeTarget[] {
  return config.profiles.map((p) => ({ job: serverJob(p), address: `127.0.0.1:${ports[p]}` }));
}

/**
 * The reference servers' per-client tools/call bucket (calls/s:burst): well above what one
 * simulated agent sends (the stack's load, the check's churn and drills stay under it), well
 * below the rate-limit drill's burst.
 */
export const STACK_RATE_LIMIT = '10:40';

/** Reference servers (phase 1) and their simulators (phase 2, once the servers answer). */
export function referenceServices(config: Config, settings: StackSettings, ports: ServerPorts, root: string, auditDir: string): ServiceSpec[] {
  const taken = new Map(Object.entries(settings.ports).map(([name, port]) => [port, name]));
  for (const p of config.profiles) {
    const clash = taken.get(ports[p]);
    if (clash) throw new Error(`${SERVER_PORT_ENV[p].env}=${ports[p]} is also the ${clash} port; give each service its own port`);
  }
  return [
    ...config.profiles.map((profile): ServiceSpec => ({
      name: serverJob(profile),
      argv: [...devProgram(root, 'src/sample-server/bin.ts'), '--transport', 'http', '--port', String(ports[profile]), '--profile', profile,
        '--audit-file', join(auditDir, `${profile}.jsonl`), '--idle-timeout', String(STACK_IDLE_TIMEOUT_SECONDS),
        '--rate-limit', STACK_RATE_LIMIT],
      // A small heap limit, so the heap-pressure drill reaches the alert threshold with a modest allocation.
      env: { NODE_OPTIONS: '--max-old-space-size=1024', MCP_JWT_SECRET: STACK_JWT_SECRET },
      port: { number: ports[profile], env: SERVER_PORT_ENV[profile].env },
      // /health: the instrumentation's /ready stays 503 until a first MCP session connects.
      readyUrl: http(ports[profile], '/health'), readyTimeoutMs: 60_000, phase: 1,
    })),
    ...config.profiles.map((profile): ServiceSpec => ({
      name: simulatorName(profile),
      argv: simulatorArgv(root, http(ports[profile], '/mcp'), SIMULATOR_LOAD),
      env: simulatorEnv(simulatorName(profile), SIMULATOR_LOAD),
      readyTimeoutMs: 3_000, phase: 2,
    })),
  ];
}
