// Cortex 1.21 as one process on 127.0.0.1 (filesystem blocks and rule store, ruler API on): the
// publisher's --ruler target against it for real (create, nothing to change, --prune within our
// namespace, tenants apart), a Prometheus remote-writing the reference server into it, the Cortex
// ruler evaluating our rules on those samples and the latency drill's alert reaching Alertmanager.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTS_SUBDIRS, alertsDir, RULE_FILE_SUFFIX } from "@mcp-observability/catalog";
import { loadConfig } from "../../src/cli/config/load.js";
import { publish } from "../../src/cli/publish/run.js";
import { alertmanagerBinary } from "../../src/cli/stack/binaries.js";
import { pollUntil } from "../../src/cli/stack/readiness.js";
import { fixturesDir, repoRoot } from "./support/files.js";
import { peerBin } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const API = "/api/v1/rules";
const TENANT = "team-mcp";
/** The drill rules record the same series as the real ones: they run for a tenant of their own. */
const DRILL_TENANT = "team-mcp-drill";
const NAMESPACE = loadConfig(undefined).mimirNamespace;
const PROFILE = "prom-client";
const tsx = (script: string, args: string[]) => startPeer(process.execPath, ["--import", "tsx", join(repoRoot, script), ...args]);

async function runPublish(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await publish(["--ruler", "--ruler-api-path", API, ...args], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    { attempts: 2, baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 10_000 });
  return { code, out: lines.join("\n") };
}

/** Group names per namespace file of a root's ruler output. */
function generatedGroups(root: string): string[] {
  const dir = join(root, alertsDir(PROFILE), ALERTS_SUBDIRS.ruler);
  return readdirSync(dir).filter((f) => f.endsWith(".yaml")).flatMap((f) =>
    (yaml.load(readFileSync(join(dir, f), "utf8")) as { groups: { name: string }[] }).groups.map((g) => g.name));
}

/** The drill rule files (short windows) as ruler files of their own namespace, in a root of their own. */
function drillRoot(workDir: string): string {
  const root = join(workDir, "drill-root");
  const from = join(repoRoot, alertsDir(PROFILE), "drill");
  const to = join(root, alertsDir(PROFILE), ALERTS_SUBDIRS.ruler);
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith(RULE_FILE_SUFFIX))) {
    const { groups } = yaml.load(readFileSync(join(from, file), "utf8")) as { groups: unknown[] };
    writeFileSync(join(to, `${basename(file, RULE_FILE_SUFFIX)}.yaml`), yaml.dump({ namespace: `${NAMESPACE}-drill`, groups }, { lineWidth: -1 }));
  }
  return root;
}

describe("Cortex: publish --ruler, remote write, the ruler's alerts", () => {
  const running: RunningPeer[] = [];
  let workDir = "";
  let cortexUrl = "";
  let alertmanagerUrl = "";
  let serverUrl = "";

  const rulerRequest = (method: string, path: string, tenant: string | undefined, body?: string) => fetch(`${cortexUrl}${API}${path}`, {
    method, body, headers: { ...(tenant ? { "X-Scope-OrgID": tenant } : {}), ...(body ? { "Content-Type": "application/yaml" } : {}) },
  });
  const cortexQuery = async (tenant: string, path: string, params: Record<string, string> = {}) => {
    const res = await fetch(`${cortexUrl}/prometheus/api/v1/${path}?${new URLSearchParams(params)}`, { headers: { "X-Scope-OrgID": tenant } });
    return ((await res.json()) as { data: unknown }).data;
  };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "mcp-obs-cortex-"));
    const amPort = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${amPort}`;
    writeFileSync(join(workDir, "alertmanager.yml"), JSON.stringify({ route: { receiver: "null", group_wait: "1s" }, receivers: [{ name: "null" }] }));
    const alertmanager = startPeer(alertmanagerBinary(), [`--config.file=${join(workDir, "alertmanager.yml")}`,
      `--storage.path=${join(workDir, "am")}`, `--web.listen-address=127.0.0.1:${amPort}`, "--cluster.listen-address="]);
    running.push(alertmanager);

    const cortexDir = join(workDir, "cortex");
    mkdirSync(join(cortexDir, "alertmanager-configs"), { recursive: true });
    const [http, grpc] = [await freePort(), await freePort()];
    cortexUrl = `http://127.0.0.1:${http}`;
    const cortex = startPeer(peerBin("cortex"), [`-config.file=${join(fixturesDir, "cortex", "cortex.yaml")}`, "-config.expand-env=true"],
      { CORTEX_HTTP: String(http), CORTEX_GRPC: String(grpc), CORTEX_DIR: cortexDir, AM_URL: alertmanagerUrl });
    running.push(cortex);

    const serverPort = await freePort();
    serverUrl = `http://127.0.0.1:${serverPort}`;
    const server = tsx("src/sample-server/bin.ts", ["--transport", "http", "--port", String(serverPort), "--profile", PROFILE]);
    running.push(server);

    await waitForHttp(alertmanager, `${alertmanagerUrl}/-/ready`, { timeoutMs: 60_000 });
    await waitForHttp(cortex, `${cortexUrl}/ready`, { timeoutMs: 90_000 });
    await waitForHttp(server, `${serverUrl}/health`, { timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    for (const peer of running.reverse()) await stopPeer(peer);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("creates every group of our namespace, then a second run finds nothing to change", async () => {
    const groups = generatedGroups(repoRoot);
    const first = await runPublish(["--root", repoRoot, "--ruler-url", cortexUrl, "--ruler-tenant", TENANT]);
    console.log(`first publish --ruler against Cortex:\n${first.out}`);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(`summary: ${groups.length} created, 0 updated, 0 unchanged, 0 deleted, 0 failed`);

    const second = await runPublish(["--root", repoRoot, "--ruler-url", cortexUrl, "--ruler-tenant", TENANT]);
    console.log(`second publish --ruler against Cortex:\n${second.out}`);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain(`summary: 0 created, 0 updated, ${groups.length} unchanged, 0 deleted, 0 failed`);

    const held = yaml.load(await (await rulerRequest("GET", `/${NAMESPACE}`, TENANT)).text()) as Record<string, { name: string }[]>;
    expect(held[NAMESPACE]!.map((g) => g.name).sort()).toEqual([...groups].sort());
  });

  it("keeps the tenants apart and prunes only groups of our namespace", async () => {
    expect((await rulerRequest("GET", "", undefined)).status).toBe(401);
    expect((await rulerRequest("GET", `/${NAMESPACE}`, "another-team")).status).toBe(404);
    const group = (name: string) => yaml.dump({ name, rules: [{ record: "job:retired:sum", expr: "vector(1)" }] });
    for (const [ns, name, tenant] of [[NAMESPACE, "mcp-retired", TENANT], ["payments", "payments-recording", TENANT], [NAMESPACE, "mcp-retired", "another-team"]] as const) {
      expect((await rulerRequest("POST", `/${ns}`, tenant, group(name))).status).toBe(202);
    }

    const kept = await runPublish(["--root", repoRoot, "--ruler-url", cortexUrl, "--ruler-tenant", TENANT]);
    expect(kept.code, kept.out).toBe(0);
    expect(kept.out).toMatch(new RegExp(`keep +ruler +${NAMESPACE}/mcp-retired`));
    const pruned = await runPublish(["--root", repoRoot, "--ruler-url", cortexUrl, "--ruler-tenant", TENANT, "--prune"]);
    console.log(`publish --ruler --prune against Cortex:\n${pruned.out.split("\n").filter((l) => !/unchanged/.test(l)).join("\n")}`);
    expect(pruned.code, pruned.out).toBe(0);
    expect(pruned.out).toContain(", 1 deleted, 0 failed");

    expect((await rulerRequest("GET", `/${NAMESPACE}/mcp-retired`, TENANT)).status).toBe(404);
    expect((await rulerRequest("GET", "/payments/payments-recording", TENANT)).status).toBe(200);
    expect((await rulerRequest("GET", `/${NAMESPACE}/mcp-retired`, "another-team")).status).toBe(200);
  });

  it("evaluates our rules on remote-written samples, and the latency drill's alert reaches Alertmanager", async () => {
    const drill = await runPublish(["--root", drillRoot(workDir), "--ruler-url", cortexUrl, "--ruler-tenant", DRILL_TENANT]);
    expect(drill.code, drill.out).toBe(0);

    const promPort = await freePort();
    const remoteWrite = (tenant: string) => ({ url: `${cortexUrl}/api/v1/push`, headers: { "X-Scope-OrgID": tenant }, queue_config: { batch_send_deadline: "1s" } });
    writeFileSync(join(workDir, "prometheus.yml"), JSON.stringify({
      global: { scrape_interval: "5s" },
      scrape_configs: [{ job_name: "mcp-reference", static_configs: [{ targets: [new URL(serverUrl).host] }] }],
      remote_write: [remoteWrite(TENANT), remoteWrite(DRILL_TENANT)],
    }));
    const prometheus = startPeer(peerBin("prometheus"), [`--config.file=${join(workDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(workDir, "prom")}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    running.push(prometheus);
    running.push(tsx("src/simulator/bin.ts", ["--url", `${serverUrl}/mcp`, "--duration", "600", "--sessions", "2", "--rate", "6", "--seed", "21"]));

    // The recorded call rate, written back by the Cortex ruler from remote-written samples.
    const recorded = async () => ((await cortexQuery(TENANT, "query", { query: "job_tool:mcp_tool_calls:rate5m" })) as { result: unknown[] }).result.length || undefined;
    expect(await pollUntil(recorded, { timeoutMs: 120_000, intervalMs: 2_000 }), "job_tool:mcp_tool_calls:rate5m recorded by the Cortex ruler").toBeGreaterThan(0);
    const all = (await cortexQuery(TENANT, "rules")) as { groups: { name: string; file: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    // The tenant also holds the other namespace's group of the prune test.
    const groups = all.groups.filter((g) => g.file === NAMESPACE);
    expect(groups.map((g) => g.name).sort()).toEqual(generatedGroups(repoRoot).sort());
    const unhealthy = groups.flatMap((g) => g.rules.filter((r) => r.health === "err").map((r) => `${g.name}/${r.name}: ${r.lastError}`));
    expect(unhealthy).toEqual([]);

    const threshold = loadConfig(undefined).toolLatency.find((l) => l.tool === "search_docs")!.thresholdSeconds;
    const injected = Date.now();
    await fetch(`${serverUrl}/admin/faults`, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ tool: "search_docs", latencyMs: Math.round(threshold * 1000 * 1.5) }) });
    const inAlertmanager = async () => {
      const alerts = (await (await fetch(`${alertmanagerUrl}/api/v2/alerts?filter=alertname%3D%22McpToolLatencyHigh%22`)).json()) as { labels: Record<string, string> }[];
      return alerts.some((a) => a.labels.tool === "search_docs" && a.labels.job === "mcp-reference") || undefined;
    };
    expect(await pollUntil(inAlertmanager, { timeoutMs: 240_000, intervalMs: 1_000 }), "McpToolLatencyHigh in Alertmanager").toBe(true);
    console.log(`latency drill through the Cortex ruler: McpToolLatencyHigh{tool="search_docs"} in Alertmanager ${((Date.now() - injected) / 1000).toFixed(1)} s after the fault`);
  }, 420_000);

  it("keeps its working files under its own directory, none in the directory it was started from", () => {
    // Cortex's querier defaults its active-query tracker to ./active-query-tracker; a run once left it in the repository.
    expect(existsSync(join(workDir, "cortex", "active-query-tracker"))).toBe(true);
    expect(existsSync(join(process.cwd(), "active-query-tracker"))).toBe(false);
  });
});
