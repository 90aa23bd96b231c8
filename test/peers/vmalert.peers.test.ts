// The second rule engine (issue #20): VictoriaMetrics v1.151 with vmalert. Every promtool test file
// runs under `vmalert-tool unittest`, and a live VictoriaMetrics + vmalert scraping the reference
// server evaluates every generated rule and fires the latency drill.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient, startServer, type RunningServer } from "../server/harness.js";
import { findFiles, generatedPrometheusRules, repoRoot, shown } from "./support/files.js";
import { peerBin, runPeer } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const testFiles = findFiles(join(repoRoot, "alerts"), (path) => path.endsWith(".test.yaml"));

describe("vmalert-tool unittest on every promtool test file", () => {
  let copy = "";
  beforeAll(() => {
    // A copy, so the renamed test files never land in the repository.
    copy = mkdtempSync(join(tmpdir(), "mcp-obs-vmalert-tool-"));
    cpSync(join(repoRoot, "alerts"), join(copy, "alerts"), { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("finds the test files of both profiles", () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(16);
  });

  // The one translation: vmalert-tool names promtool's promql_expr_test metricsql_expr_test. Its
  // -disableAlertgroupLabel drops the alertgroup label promtool tests do not carry. Two files at a
  // time (maxConcurrency in vitest.peers.config.ts): one vmalert-tool run uses under one core.
  it.concurrent.for(testFiles.map(shown))("%s passes", { timeout: 300_000 }, async (file, { expect }) => {
    const source = join(copy, file);
    const translated = join(copy, file.replace(/\.test\.yaml$/, ".vm.test.yaml"));
    writeFileSync(translated, readFileSync(source, "utf8").replace(/^(\s*)promql_expr_test:/gm, "$1metricsql_expr_test:"));
    const r = await runPeer("vmalert-tool", ["unittest", "-disableAlertgroupLabel", `--files=${translated}`], { timeoutMs: 300_000 });
    expect(r.output, r.output.slice(-4000)).toContain("SUCCESS");
    expect(r.output).not.toContain("FAILED");
    expect(r.exitCode).toBe(0);
  });
});

interface VmRule {
  name: string;
  type: "alerting" | "recording";
  health: string;
  lastError: string;
  lastSamples: number;
}
interface VmGroup { name: string; file: string; rules: VmRule[] }

async function vmGroups(url: string): Promise<VmGroup[]> {
  const body = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: VmGroup[] } };
  return body.data.groups;
}

/** VictoriaMetrics scraping the reference server every 5 s, and vmalert on the given rule files evaluating every 5 s. */
async function startEngine(workDir: string, target: string, rules: readonly string[]) {
  const vmPort = await freePort();
  const vmalertPort = await freePort();
  const vmUrl = `http://127.0.0.1:${vmPort}`;
  const vmalertUrl = `http://127.0.0.1:${vmalertPort}`;
  mkdirSync(workDir, { recursive: true });
  const scrape = join(workDir, "scrape.yml");
  // job "mcp": the default config selects job=~"mcp.*".
  writeFileSync(scrape, JSON.stringify({ global: { scrape_interval: "5s" }, scrape_configs: [{ job_name: "mcp", static_configs: [{ targets: [target] }] }] }));
  const vm = startPeer(peerBin("victoria-metrics"), [
    `-storageDataPath=${join(workDir, "vm")}`, `-httpListenAddr=127.0.0.1:${vmPort}`, `-promscrape.config=${scrape}`,
    // Queries see samples at once (default: 30 s late), as Prometheus does; vmalert then needs no evaluation delay.
    "-search.latencyOffset=0s", "-loggerLevel=ERROR",
  ]);
  await waitForHttp(vm, `${vmUrl}/health`, { timeoutMs: 30_000 });
  const vmalert = startPeer(peerBin("vmalert"), [
    ...rules.map((r) => `-rule=${r}`), `-datasource.url=${vmUrl}`, `-remoteWrite.url=${vmUrl}`, "-evaluationInterval=5s",
    "-rule.evalDelay=0s", "-notifier.blackhole", `-httpListenAddr=127.0.0.1:${vmalertPort}`, "-loggerLevel=ERROR",
  ]);
  await waitForHttp(vmalert, `${vmalertUrl}/api/v1/rules`, { timeoutMs: 30_000 });
  return { vm, vmalert, vmUrl, vmalertUrl };
}

describe("live VictoriaMetrics + vmalert on the reference server", () => {
  let workDir = "";
  let server: RunningServer | undefined;
  const peers: RunningPeer[] = [];
  let stopLoad = false;
  let traffic: Promise<void> | undefined;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "mcp-obs-vmalert-"));
    // Peer tests share the machine with Go builds: give the server (tsx compiling it) time to start.
    server = await startServer([], {}, 60_000);
    // Steady calls to search_docs from four clients, so the latency quantile has traffic over the drill's 20 s windows.
    const clients = await Promise.all([0, 1, 2, 3].map((i) => httpClient(server as RunningServer, `vmalert-load-${i}`)));
    traffic = Promise.all(clients.map(async ({ client }) => {
      while (!stopLoad) await client.callTool({ name: "search_docs", arguments: { query: "alerts" } }).catch(() => undefined);
      await client.close();
    })).then(() => undefined);
  }, 120_000);

  afterAll(async () => {
    stopLoad = true;
    await traffic;
    for (const p of peers) await stopPeer(p);
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("evaluates every rule of every generated rule file without an error", async () => {
    const rules = generatedPrometheusRules().filter((f) => !f.split("/").includes("drill"));
    const engine = await startEngine(join(workDir, "plain"), `127.0.0.1:${server?.port}`, rules);
    peers.push(engine.vm, engine.vmalert);
    const expected = rules.flatMap((file) => ((load(readFileSync(file, "utf8")) as { groups: { rules: unknown[] }[] }).groups ?? []).flatMap((g) => g.rules)).length;
    let groups: VmGroup[] = [];
    // Every group evaluated at least twice (a later group reads an earlier one's records), bounded.
    for (let i = 0; i < 12; i++) {
      await sleep(5_000);
      groups = await vmGroups(engine.vmalertUrl);
      if (groups.flatMap((g) => g.rules).every((r) => r.health === "ok") && i >= 3) break;
    }
    const all = groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: `${basename(g.file)}#${g.name}` })));
    expect(all).toHaveLength(expected);
    expect(all.filter((r) => r.health !== "ok" || r.lastError).map((r) => `${r.group} ${r.name}: ${r.lastError}`)).toEqual([]);
    const recording = all.filter((r) => r.type === "recording");
    console.log(`vmalert: ${all.length} rules in ${groups.length} groups healthy; ${recording.filter((r) => r.lastSamples > 0).length}/${recording.length} recording rules produce series`);
    await stopPeer(engine.vmalert);
    await stopPeer(engine.vm);
  }, 180_000);

  it("fires McpToolLatencyHigh for search_docs from the drill rules after a 1.5 s latency fault", async () => {
    const rules = generatedPrometheusRules().filter((f) => f.includes("/prom-client/drill/"));
    const engine = await startEngine(join(workDir, "drill"), `127.0.0.1:${server?.port}`, rules);
    peers.push(engine.vm, engine.vmalert);
    // A minute of clean traffic: the drill's windows (20 s) and the recording groups settle.
    await sleep(60_000);
    const firing = async () => {
      const body = (await (await fetch(`${engine.vmalertUrl}/api/v1/alerts`)).json()) as { data: { alerts: { name: string; state: string; labels: Record<string, string> }[] } };
      return body.data.alerts.some((a) => a.name === "McpToolLatencyHigh" && a.state === "firing" && a.labels.tool === "search_docs");
    };
    expect(await firing()).toBe(false);
    const injected = Date.now();
    const admin = await fetch(`${server?.base}/admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tool: "search_docs", latencyMs: 1500 }) });
    expect(admin.status).toBe(200);
    let firedAfter: number | undefined;
    for (let i = 0; i < 60 && firedAfter === undefined; i++) {
      await sleep(2_000);
      if (await firing()) firedAfter = (Date.now() - injected) / 1000;
    }
    await fetch(`${server?.base}/admin/faults`, { method: "DELETE" });
    console.log(`vmalert: McpToolLatencyHigh (drill rules) fired ${firedAfter?.toFixed(0) ?? "never"} s after the fault`);
    expect(firedAfter, "McpToolLatencyHigh never fired within 120 s").toBeDefined();
    await stopPeer(engine.vmalert);
    await stopPeer(engine.vm);
  }, 240_000);
});
