// Finds the programs native mode runs, with the install command to print when one is missing.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const full = join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export class MissingBinaryError extends Error {
  constructor(what: string, tried: readonly string[], install: string) {
    super(`${what} not found (looked for ${tried.join(', ')} on PATH). Install it with: ${install}`);
    this.name = 'MissingBinaryError';
  }
}

const APT_INSTALL = 'apt-get install -y prometheus prometheus-alertmanager';

function firstOnPath(what: string, names: readonly string[], install: string): string {
  for (const name of names) {
    const found = onPath(name);
    if (found) return found;
  }
  throw new MissingBinaryError(what, names, install);
}

export const prometheusBinary = (): string => firstOnPath('Prometheus', ['prometheus'], APT_INSTALL);
export const alertmanagerBinary = (): string =>
  firstOnPath('Alertmanager', ['prometheus-alertmanager', 'alertmanager'], APT_INSTALL);

export interface GrafanaInstall {
  bin: string;
  homepath: string;
  /** Grafana ≥ 10 ships one `grafana` binary with a `server` subcommand; older installs have `grafana-server`. */
  args: string[];
}

/** Grafana named by MCP_STACK_GRAFANA_BIN, else on PATH (Debian/RPM packages keep their home in /usr/share/grafana). */
export function findGrafana(env: NodeJS.ProcessEnv = process.env): GrafanaInstall | undefined {
  const named = env.MCP_STACK_GRAFANA_BIN;
  if (named) {
    if (!existsSync(named)) throw new Error(`MCP_STACK_GRAFANA_BIN=${named}: no such file`);
    return { bin: named, homepath: env.MCP_STACK_GRAFANA_HOME || '/usr/share/grafana', args: named.endsWith('grafana-server') ? [] : ['server'] };
  }
  const grafana = onPath('grafana', env.PATH);
  if (grafana) return { bin: grafana, homepath: '/usr/share/grafana', args: ['server'] };
  const legacy = onPath('grafana-server', env.PATH);
  if (legacy) return { bin: legacy, homepath: '/usr/share/grafana', args: [] };
  return undefined;
}

/** Why the stack runs without Grafana, and the two ways to add it. */
export function grafanaHint(): string {
  return 'no grafana or grafana-server on PATH (or MCP_STACK_GRAFANA_BIN). Install the grafana package from ' +
    "Grafana Labs' APT/RPM repository (https://grafana.com/docs/grafana/latest/setup-grafana/installation/) and run up again, " +
    'or import dashboards/ into a Grafana you already run (Docker: see docs/stack.md)';
}
