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

interface PeerGrafana {
  bin?: string;
  homepath?: string;
  /** Why `npm run peers` could not provide it. */
  unavailable?: string;
}

function peerGrafana(env: NodeJS.ProcessEnv): PeerGrafana {
  const manifest = peersManifestPath(env);
  if (!existsSync(manifest)) return {};
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { grafana?: PeerGrafana }).grafana ?? {};
  } catch {
    // an unreadable manifest is the same as no Grafana from peers
    return {};
  }
}

/** Grafana from the peers manifest, else on PATH (Debian/RPM packages keep their home in /usr/share/grafana). */
export function findGrafana(env: NodeJS.ProcessEnv = process.env): GrafanaInstall | undefined {
  const entry = peerGrafana(env);
  if (entry.bin && entry.homepath && existsSync(entry.bin)) return { bin: entry.bin, homepath: entry.homepath, args: ['server'] };
  const grafana = onPath('grafana');
  if (grafana) return { bin: grafana, homepath: '/usr/share/grafana', args: ['server'] };
  const legacy = onPath('grafana-server');
  if (legacy) return { bin: legacy, homepath: '/usr/share/grafana', args: [] };
  return undefined;
}

/** Why the stack runs without Grafana, and how to add it. */
export function grafanaHint(env: NodeJS.ProcessEnv = process.env): string {
  const reason = peerGrafana(env).unavailable;
  return 'Grafana not found (no grafana binary in the peers manifest, no grafana/grafana-server on PATH); ' +
    'build one with `npm run peers` or install a Grafana package to add it' + (reason ? `. npm run peers reported: ${reason}` : '');
}
