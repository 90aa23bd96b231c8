// readPeers(): how tests find the peer binaries, including the cases where they are missing.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PEER_NAMES, readPeers, requirePeerBin } from "../../src/stack-runtime/peers-manifest.js";

describe("readPeers", () => {
  let dir = "";
  let manifest = "";
  const savedEnv = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mcp-obs-manifest-"));
    manifest = join(dir, "peers.json");
    for (const key of Object.keys(process.env)) if (key.startsWith("MCP_OBS_PEER_")) delete process.env[key];
  });

  afterEach(() => {
    process.env = { ...savedEnv };
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns an empty entry for every peer when there is no manifest", () => {
    const peers = readPeers(manifest);
    expect(Object.keys(peers).sort()).toEqual([...PEER_NAMES].sort());
    for (const name of PEER_NAMES) expect(peers[name].bin).toBeUndefined();
  });

  it("returns installed binaries and drops entries whose binary was deleted", () => {
    const promtool = join(dir, "promtool");
    writeFileSync(promtool, "#!/bin/sh\n");
    chmodSync(promtool, 0o755);
    writeFileSync(manifest, JSON.stringify({ promtool: { version: "3.16.0", bin: promtool }, prometheus: { version: "3.16.0", bin: join(dir, "gone") } }));
    const peers = readPeers(manifest);
    expect(peers.promtool).toEqual({ version: "3.16.0", bin: promtool });
    expect(peers.prometheus).toEqual({ version: "3.16.0" });
  });

  it("treats a corrupt manifest as no manifest", () => {
    writeFileSync(manifest, "{ not json");
    expect(readPeers(manifest).prometheus).toEqual({});
  });

  it("lets MCP_OBS_PEER_<NAME>_BIN/_HOMEPATH point at a peer installed elsewhere", () => {
    writeFileSync(manifest, JSON.stringify({ grafana: { refused: "licence" } }));
    process.env.MCP_OBS_PEER_GRAFANA_BIN = "/opt/grafana/bin/grafana";
    process.env.MCP_OBS_PEER_GRAFANA_HOMEPATH = "/opt/grafana";
    expect(readPeers(manifest).grafana).toEqual({ version: "external", bin: "/opt/grafana/bin/grafana", homepath: "/opt/grafana" });
  });

  it("fails with a message that names the peer, `npm run peers` and the recorded reason", () => {
    writeFileSync(manifest, JSON.stringify({ mimirtool: { refused: "AGPL-3.0 licensed" }, grafana: { unavailable: "go build: exit 1" } }));
    expect(() => requirePeerBin(readPeers(manifest), "mimirtool")).toThrow(/peer "mimirtool" is not installed[\s\S]*npm run peers[\s\S]*MCP_OBS_PEER_MIMIRTOOL_BIN[\s\S]*AGPL-3.0 licensed/);
    expect(() => requirePeerBin(readPeers(manifest), "grafana")).toThrow(/go build: exit 1/);
  });
});
