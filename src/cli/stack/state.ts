// .run/stack.json: what `up` started, so `down` stops exactly that and `check` knows where to look.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessIdentity } from './procfs.js';
import type { ScrapeTarget } from './configs.js';
import type { StackPorts } from './settings.js';

export interface RecordedProcess extends ProcessIdentity {
  /** Service name, e.g. prometheus, mcp-server, simulator-otel. */
  name: string;
  log: string;
}

export interface StackState {
  mode: 'native' | 'compose';
  /** Time-compressed drill rules with a 5 s scrape/evaluation interval. */
  drill: boolean;
  startedAt: string;
  ports: StackPorts;
  /** Whether Grafana is part of this run (native mode runs it only when a binary is available). */
  grafana: boolean;
  /** JSON lines the webhook receiver appends one per Alertmanager notification. */
  webhookLog: string;
  processes: RecordedProcess[];
  /** The build's output folder the stack reads rules and dashboards from. */
  outDir: string;
  /** The MCP servers Prometheus scrapes. */
  servers: ScrapeTarget[];
}

export const stateFile = (runDir: string): string => join(runDir, 'stack.json');

export function readState(runDir: string): StackState | undefined {
  const file = stateFile(runDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackState;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); stop leftover processes by hand, then delete it`);
  }
}

export function writeState(runDir: string, state: StackState): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(stateFile(runDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(runDir: string): void {
  rmSync(stateFile(runDir), { force: true });
}
