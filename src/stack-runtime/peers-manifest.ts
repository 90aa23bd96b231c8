// Where the peer tools built by `npm run peers` live, and how other code finds them.
// The manifest is written by scripts/peers.ts; tests read it through readPeers().
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const PEER_NAMES = [
  "grafana", "prometheus", "promtool", "dashboard-linter", "mimirtool", "jaeger", "victoria-logs", "cortex", "thanos",
  // Third-party MCP servers the wrap and proxy commands are tested against (issue #23).
  "go-sdk-everything", "mcp-server-time", "mcp-proxy",
  // A third-party server exporting the OpenTelemetry MCP metrics, for the otel profile (issue #18).
  "mcp-grafana",
  // ... and a third-party Node instrumentation of MCP SDK 1.x servers exporting them over OTLP (issue #18).
  "shinzo-instrumentation-mcp",
  // ... and a published Node MCP server (SDK 2.x, both eras) with its own semconv metrics and the OTel JS Prometheus exporter (issue #18).
  "context7-mcp",
  // A second rule engine for the same rules and promtool tests (issue #20).
  "victoria-metrics", "vmalert", "vmalert-tool",
] as const;
export type PeerName = (typeof PEER_NAMES)[number];

export interface PeerEntry {
  /** Upstream release, e.g. "3.16.0"; absent when the peer was never installed. */
  version?: string;
  /** Absolute path of the executable; absent when the peer is not installed. */
  bin?: string;
  /** Grafana only: the directory passed as --homepath. */
  homepath?: string;
  /** Why the last `npm run peers` could not install it (a build error): a failure to fix. */
  unavailable?: string;
  /** Why this machine's registries will not provide it (licence policy, module refused): not ours to fix. */
  refused?: string;
}

export type Peers = Record<PeerName, PeerEntry>;

/** Cache root shared by every checkout on the machine, so worktrees build each peer once. */
export function peersCacheRoot(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cacheHome, "mcp-observability", "peers");
}

export function peersManifestPath(): string {
  return join(peersCacheRoot(), "peers.json");
}

/**
 * Environment overrides let a machine that has a peer from elsewhere (e.g. a Grafana
 * installed by a package manager) use it without `npm run peers` building it:
 * MCP_OBS_PEER_GRAFANA_BIN, MCP_OBS_PEER_GRAFANA_HOMEPATH, MCP_OBS_PEER_DASHBOARD_LINTER_BIN, ...
 */
function overrideFromEnv(name: PeerName, entry: PeerEntry): PeerEntry {
  const prefix = `MCP_OBS_PEER_${name.toUpperCase().replace(/-/g, "_")}`;
  const bin = process.env[`${prefix}_BIN`];
  const homepath = process.env[`${prefix}_HOMEPATH`];
  if (!bin) return entry;
  return { version: "external", bin, ...(homepath ? { homepath } : {}) };
}

/** The manifest, with an empty entry for each peer that is not installed. Never throws. */
export function readPeers(manifestPath = peersManifestPath()): Peers {
  let stored: Partial<Record<string, PeerEntry>> = {};
  if (existsSync(manifestPath)) {
    try {
      stored = JSON.parse(readFileSync(manifestPath, "utf8")) as Partial<Record<string, PeerEntry>>;
    } catch {
      // A corrupt manifest is treated like a missing one: every peer reads as not installed.
      stored = {};
    }
  }
  const peers = {} as Peers;
  for (const name of PEER_NAMES) {
    const entry = stored[name] ?? {};
    // A manifest entry whose binary was deleted from the cache is not installed any more.
    const installed = entry.bin && existsSync(entry.bin) ? entry : withoutBin(entry);
    peers[name] = overrideFromEnv(name, installed);
  }
  return peers;
}

function withoutBin(entry: PeerEntry): PeerEntry {
  const { bin: _bin, homepath: _homepath, ...rest } = entry;
  return rest;
}

/** The binary of a peer, or an Error whose message tells the reader what to do. */
export function requirePeerBin(peers: Peers, name: PeerName): string {
  const entry = peers[name];
  if (entry.bin) return entry.bin;
  const reported = entry.refused ?? entry.unavailable;
  const why = reported ? `\n  npm run peers reported: ${reported}` : "";
  const envName = `MCP_OBS_PEER_${name.toUpperCase().replace(/-/g, "_")}_BIN`;
  throw new Error(
    `peer "${name}" is not installed (no binary in ${peersManifestPath()}). ` +
      `Run \`npm run peers\` first, or point ${envName} at an existing binary.${why}`,
  );
}
