// The peer binaries the tests run, resolved once per test file.
import { execa } from "execa";
import { type PeerName, readPeers, requirePeerBin } from "../../../src/stack-runtime/peers-manifest.js";

const peers = readPeers();

/** Path of a peer binary; throws (failing the test, never skipping it) when it is not installed. */
export function peerBin(name: PeerName): string {
  return requirePeerBin(peers, name);
}

/** Grafana needs its homepath (conf/defaults.ini, public/...) as well as the binary. */
export function grafanaHome(): string {
  const bin = peerBin("grafana");
  const homepath = peers.grafana.homepath;
  if (!homepath) throw new Error(`grafana binary ${bin} has no homepath in the peers manifest; re-run \`npm run peers\` or set MCP_OBS_PEER_GRAFANA_HOMEPATH`);
  return homepath;
}

/**
 * The reason this machine's registries refuse a peer (licence policy, module refused), recorded by
 * `npm run peers`; its suite is skipped with that reason printed. A peer that is merely not
 * installed, or whose build failed, is not refused: its tests fail.
 */
export function refusedHere(name: PeerName): string | undefined {
  const reason = peers[name].bin ? undefined : peers[name].refused;
  if (reason) console.warn(`test:peers: skipping ${name}: ${reason}`);
  return reason;
}

export interface ToolRun {
  exitCode: number;
  /** stdout and stderr interleaved, for assertions and failure messages. */
  output: string;
}

/** Run a peer CLI to completion; never throws on a non-zero exit so tests can assert on it. */
export async function runPeer(name: PeerName, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolRun> {
  const result = await execa(peerBin(name), args, { all: true, reject: false, stdin: "ignore", timeout: options.timeoutMs ?? 60_000, cwd: options.cwd });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? "" };
}
