// Where the local stack listens and keeps its state. Every value comes from the environment
// (the same variable names docker-compose.yml reads), so `up`, `check`, `down` and compose agree.
import { resolve } from 'node:path';

export interface StackPorts {
  prometheus: number;
  alertmanager: number;
  grafana: number;
  webhook: number;
}

export interface StackSettings {
  ports: StackPorts;
  /** State, data and logs of native mode (`.run/` by default, git-ignored). */
  runDir: string;
  grafanaUser: string;
  grafanaPassword: string;
}

/** Environment variable and default of each port (documented in docs/stack.md, read by docker-compose.yml). */
export const PORT_ENV: Readonly<Record<keyof StackPorts, { env: string; default: number }>> = {
  prometheus: { env: 'MCP_STACK_PROMETHEUS_PORT', default: 9090 },
  alertmanager: { env: 'MCP_STACK_ALERTMANAGER_PORT', default: 9093 },
  grafana: { env: 'MCP_STACK_GRAFANA_PORT', default: 3000 },
  webhook: { env: 'MCP_STACK_WEBHOOK_PORT', default: 9099 },
};

/** A port from its environment variable, else its default. */
export function portFromEnv(env: NodeJS.ProcessEnv, { env: name, default: fallback }: { env: string; default: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw}: expected a TCP port number 1-65535`);
  }
  return value;
}

export function stackSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StackSettings {
  const ports = Object.fromEntries(
    (Object.keys(PORT_ENV) as (keyof StackPorts)[]).map((key) => [key, portFromEnv(env, PORT_ENV[key])]),
  ) as unknown as StackPorts;
  const seen = new Map<number, string>();
  for (const [key, value] of Object.entries(ports)) {
    const other = seen.get(value);
    if (other) throw new Error(`${PORT_ENV[key as keyof StackPorts].env} and ${PORT_ENV[other as keyof StackPorts].env} are both ${value}; give each service its own port`);
    seen.set(value, key);
  }
  return {
    ports,
    runDir: resolve(cwd, env.MCP_STACK_RUN_DIR || '.run'),
    grafanaUser: env.MCP_STACK_GRAFANA_USER || 'admin',
    grafanaPassword: env.MCP_STACK_GRAFANA_PASSWORD || 'admin',
  };
}
