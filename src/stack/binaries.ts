// Finds the programs native mode runs, with the install command to print when one is missing.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
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

/** The peers manifest written by `npm run peers` (same location rule as scripts/peers-manifest.ts). */
export function peersManifestPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mcp-observability', 'peers', 'peers.json');
}

/** Grafana from the peers manifest, else on PATH (Debian/RPM packages keep their home in /usr/share/grafana). */
export function findGrafana(env: NodeJS.ProcessEnv = process.env): GrafanaInstall | undefined {
  const manifest = peersManifestPath(env);
  if (existsSync(manifest)) {
    try {
      const entry = (JSON.parse(readFileSync(manifest, 'utf8')) as { grafana?: { bin?: string; homepath?: string } }).grafana;
      if (entry?.bin && entry.homepath && existsSync(entry.bin)) {
        return { bin: entry.bin, homepath: entry.homepath, args: ['server'] };
      }
    } catch {
      // an unreadable manifest is the same as no Grafana from peers
    }
  }
  const grafana = onPath('grafana');
  if (grafana) return { bin: grafana, homepath: '/usr/share/grafana', args: ['server'] };
  const legacy = onPath('grafana-server');
  if (legacy) return { bin: legacy, homepath: '/usr/share/grafana', args: [] };
  return undefined;
}

export const GRAFANA_HINT = 'Grafana not found (no grafana entry in the peers manifest, no grafana/grafana-server on PATH); ' +
  'build one with `npm run peers` to add Grafana to the stack';
