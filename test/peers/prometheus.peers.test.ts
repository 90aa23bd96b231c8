// Run the built Prometheus 3 server with our rule files and check it loaded every group.
// This also proves the start/wait/stop helpers the Grafana test relies on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFiles, fixturesDir, generatedPrometheusRules, shown } from "./support/files.js";
import { peerBin } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const ruleFiles = [...findFiles(join(fixturesDir, "rules"), (path) => path.endsWith(".rules.yaml")), ...generatedPrometheusRules()];

function groupNames(path: string): string[] {
  const file = load(readFileSync(path, "utf8")) as { groups?: { name: string }[] };
  return (file.groups ?? []).map((group) => group.name);
}

describe("Prometheus 3 server with the project's rule files", () => {
  let workDir = "";
  let baseUrl = "";
  let prometheus: RunningPeer | undefined;

  beforeAll(async () => {
    const bin = peerBin("prometheus");
    workDir = mkdtempSync(join(tmpdir(), "mcp-obs-prometheus-"));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const configPath = join(workDir, "prometheus.yml");
    // JSON is valid YAML; no scrape targets, so the server only evaluates the rules.
    writeFileSync(configPath, JSON.stringify({ global: { evaluation_interval: "1s" }, rule_files: ruleFiles }));
    prometheus = startPeer(bin, [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(workDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitForHttp(prometheus, `${baseUrl}/-/ready`, { timeoutMs: 30_000 });
  }, 45_000);

  afterAll(async () => {
    if (prometheus) await stopPeer(prometheus);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("reports a 3.x build", async () => {
    const response = await fetch(`${baseUrl}/api/v1/status/buildinfo`);
    const body = (await response.json()) as { data: { version: string } };
    expect(body.data.version).toMatch(/^3\.\d+\.\d+/);
  });

  it("loaded every rule group of every rule file", async () => {
    const response = await fetch(`${baseUrl}/api/v1/rules`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { groups: { name: string; file: string; rules: { health: string }[] }[] } };
    const loaded = body.data.groups.map((group) => `${group.file}#${group.name}`).sort();
    const expected = ruleFiles.flatMap((file) => groupNames(file).map((name) => `${file}#${name}`)).sort();
    expect(loaded, `rule files: ${ruleFiles.map(shown).join(", ")}`).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it("evaluates the rules without errors", async () => {
    // Rules are evaluated every second; allow a few rounds, bounded.
    await waitForHttp(prometheus as RunningPeer, `${baseUrl}/api/v1/rules`, {
      timeoutMs: 15_000,
      intervalMs: 500,
      ready: async (response) => {
        const body = (await response.json()) as { data: { groups: { lastEvaluation: string; rules: { health: string }[] }[] } };
        return body.data.groups.every((group) => !group.lastEvaluation.startsWith("0001") && group.rules.every((rule) => rule.health === "ok"));
      },
    });
  });
});
