// Thanos 0.42 over two Prometheus shards: a small fleet of reference servers (both profiles) in two
// clusters, shard a a replica pair, shard b one Prometheus, each with an external `cluster` label
// and a sidecar; a querier deduplicating on `replica`; the Thanos ruler evaluating our rules (built
// with `aggregationLabels: [cluster]`) through the querier. A single Prometheus scraping the same
// fleet with the same rules is the reference the per-cluster and global values are checked against.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsDir, dashboardsDir, PROFILE_NAMES, RULE_FILE_SUFFIX, type ProfileName } from "@mcp-observability/catalog";
import { build } from "../../src/cli/build/index.js";
import { publish } from "../../src/cli/publish/run.js";
import { validateConfig } from "../../src/cli/config/load.js";
import { type PanelJson, targetsOf } from "../../src/cli/dashboards/walk.js";
import { substituteGrafanaVariables } from "../../src/cli/promql/parse.js";
import { pollUntil } from "../../src/cli/stack/readiness.js";
import { repoRoot } from "./support/files.js";
import { peerBin } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const CLUSTERS = ["a", "b"] as const;
/** Shard a runs as a replica pair: its series reach the querier twice and must be counted once. */
const SHARDS = [{ cluster: "a", replica: "0" }, { cluster: "a", replica: "1" }, { cluster: "b", replica: "0" }] as const;
const jobOf = (profile: ProfileName) => `mcp-${profile}`;
/** Both sides evaluate 5 m rates of the same counters at different instants: a replica counted twice would read +100 %. */
const TOLERANCE = 0.25;
const tsx = (script: string, args: string[]) => startPeer(process.execPath, ["--import", "tsx", join(repoRoot, script), ...args]);

interface Sample { metric: Record<string, string>; value: [number, string] }
interface QueryResult { status: string; error?: string; data?: { result: unknown[] } }

async function query(url: string, expr: string, extra: Record<string, string> = {}): Promise<Sample[]> {
  const body = (await (await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr, ...extra })}`)).json()) as QueryResult;
  if (body.status !== "success") throw new Error(`${expr} at ${url}: ${body.error}`);
  return body.data!.result as Sample[];
}

/** Label value (or "global") → value, for a query aggregated by at most one label. */
async function byLabel(url: string, expr: string, label: string, extra: Record<string, string> = {}): Promise<Record<string, number>> {
  return Object.fromEntries((await query(url, expr, extra)).map((s) => [s.metric[label] ?? "global", Number(s.value[1])]));
}

function dashboardQueries(root: string, profile: ProfileName): { name: string; expr: string }[] {
  const dir = join(root, dashboardsDir(profile));
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(join(dir, file), "utf8")) as { title: string; panels: PanelJson[] };
    return targetsOf(dashboard).map(({ panel, target }) => ({ name: `${dashboard.title}: ${panel.title}`, expr: substituteGrafanaVariables(target.expr!) }));
  });
}

describe("Thanos: sharded Prometheus, querier with deduplication, ruler through the querier", () => {
  const running: RunningPeer[] = [];
  let workDir = "";
  let querierUrl = "";
  let singleUrl = "";
  let artifacts = "";
  let rulerUrl = "";

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "mcp-obs-thanos-"));
    artifacts = join(workDir, "artifacts");
    build(artifacts, validateConfig({ aggregationLabels: ["cluster"] }, "aggregationLabels: [cluster]"));
    // The ruler reads one directory per profile (both write tools.rules.yaml ...), filled by the publisher.
    const ruleFiles: string[] = [];
    for (const profile of PROFILE_NAMES) {
      const dir = join(workDir, "thanos-rules", profile);
      const lines: string[] = [];
      const code = await publish(["--root", artifacts, "--profile", profile, "--rules-dir", dir], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      expect(code, lines.join("\n")).toBe(0);
      expect(readdirSync(dir).length).toBe(readdirSync(join(artifacts, alertsDir(profile))).filter((f) => f.endsWith(RULE_FILE_SUFFIX)).length);
      ruleFiles.push(join(dir, `*${RULE_FILE_SUFFIX}`));
    }

    // One reference server per profile and cluster.
    const servers: { cluster: string; profile: ProfileName; address: string; peer: RunningPeer }[] = [];
    for (const cluster of CLUSTERS) {
      for (const profile of PROFILE_NAMES) {
        const port = await freePort();
        const peer = tsx("src/sample-server/bin.ts", ["--transport", "http", "--port", String(port), "--profile", profile]);
        running.push(peer);
        servers.push({ cluster, profile, address: `127.0.0.1:${port}`, peer });
      }
    }
    const scrape = (cluster?: string) => PROFILE_NAMES.map((profile) => ({ job_name: jobOf(profile),
      static_configs: servers.filter((s) => s.profile === profile && (!cluster || s.cluster === cluster))
        .map((s) => ({ targets: [s.address], ...(cluster ? {} : { labels: { cluster: s.cluster } }) })) }));
    const prometheus = async (name: string, config: object) => {
      const port = await freePort();
      writeFileSync(join(workDir, `${name}.yml`), JSON.stringify(config));
      const peer = startPeer(peerBin("prometheus"), [`--config.file=${join(workDir, `${name}.yml`)}`, `--storage.tsdb.path=${join(workDir, name)}`,
        `--web.listen-address=127.0.0.1:${port}`]);
      running.push(peer);
      return { url: `http://127.0.0.1:${port}`, peer };
    };

    const thanos = peerBin("thanos");
    const sidecarGrpc: string[] = [];
    const shardPeers: { url: string; peer: RunningPeer }[] = [];
    for (const shard of SHARDS) {
      const name = `shard-${shard.cluster}${shard.replica}`;
      const prom = await prometheus(name, { global: { scrape_interval: "5s", external_labels: shard }, scrape_configs: scrape(shard.cluster) });
      shardPeers.push(prom);
      const [grpc, http] = [await freePort(), await freePort()];
      running.push(startPeer(thanos, ["sidecar", `--tsdb.path=${join(workDir, name)}`, `--prometheus.url=${prom.url}`,
        `--grpc-address=127.0.0.1:${grpc}`, `--http-address=127.0.0.1:${http}`]));
      sidecarGrpc.push(`127.0.0.1:${grpc}`);
    }
    const single = await prometheus("single", { global: { scrape_interval: "5s", evaluation_interval: "5s" }, scrape_configs: scrape(),
      rule_files: PROFILE_NAMES.map((p) => join(artifacts, alertsDir(p), `*${RULE_FILE_SUFFIX}`)) });
    singleUrl = single.url;

    const [queryHttp, queryGrpc, ruleHttp, ruleGrpc] = [await freePort(), await freePort(), await freePort(), await freePort()];
    querierUrl = `http://127.0.0.1:${queryHttp}`;
    const querier = startPeer(thanos, ["query", `--http-address=127.0.0.1:${queryHttp}`, `--grpc-address=127.0.0.1:${queryGrpc}`,
      "--query.replica-label=replica", ...[...sidecarGrpc, `127.0.0.1:${ruleGrpc}`].map((e) => `--endpoint=${e}`)]);
    running.push(querier);
    // The ruler's own series carry ruler="thanos" (its external label) besides the data's cluster.
    const ruler = startPeer(thanos, ["rule", `--data-dir=${join(workDir, "rule")}`, "--eval-interval=5s", `--query=${querierUrl}`,
      '--label=ruler="thanos"', `--http-address=127.0.0.1:${ruleHttp}`, `--grpc-address=127.0.0.1:${ruleGrpc}`,
      ...ruleFiles.map((f) => `--rule-file=${f}`)]);
    running.push(ruler);
    rulerUrl = `http://127.0.0.1:${ruleHttp}`;

    for (const s of servers) await waitForHttp(s.peer, `http://${s.address}/health`, { timeoutMs: 60_000 });
    for (const s of servers) {
      running.push(tsx("src/simulator/bin.ts", ["--url", `http://${s.address}/mcp`, "--duration", "600", "--sessions", "1", "--rate", "3", "--seed", "21"]));
    }
    for (const p of [...shardPeers, single]) await waitForHttp(p.peer, `${p.url}/-/ready`, { timeoutMs: 60_000 });
    await waitForHttp(querier, `${querierUrl}/-/ready`, { timeoutMs: 60_000 });
    await waitForHttp(ruler, `http://127.0.0.1:${ruleHttp}/-/ready`, { timeoutMs: 60_000 });
    // Enough history for 5 m rates on both sides: the recorded call rate of every job in both clusters.
    const recordedEverywhere = async () => {
      const expr = "count by (cluster) (job_tool:mcp_tool_calls:rate5m)";
      const [viaThanos, viaSingle] = [await byLabel(querierUrl, expr, "cluster"), await byLabel(singleUrl, expr, "cluster")];
      return CLUSTERS.every((c) => viaThanos[c] && viaSingle[c] && viaThanos[c] === viaSingle[c]) || undefined;
    };
    await pollUntil(recordedEverywhere, { timeoutMs: 180_000, intervalMs: 2_000 });
    // A minute more, so the rates stand on several scrapes of every target.
    await new Promise((r) => setTimeout(r, 60_000));
  }, 360_000);

  afterAll(async () => {
    for (const peer of running.reverse()) await stopPeer(peer);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("reloads the ruler where publish --rules-dir --prometheus-url does", async () => {
    expect((await fetch(`${rulerUrl}/-/reload`, { method: "POST" })).status).toBe(200);
  });

  it("counts the replica pair once", async () => {
    const targets = 'count by (cluster) (up{job=~"mcp.*"})';
    const deduplicated = await byLabel(querierUrl, targets, "cluster");
    const raw = await byLabel(querierUrl, targets, "cluster", { dedup: "false" });
    console.log(`targets per cluster through the querier: deduplicated ${JSON.stringify(deduplicated)}, without dedup ${JSON.stringify(raw)}`);
    expect(deduplicated).toEqual({ a: 2, b: 2 });
    expect(raw).toEqual({ a: 4, b: 2 });
  });

  it("gives the single Prometheus's per-cluster and global values, from the Thanos ruler's recorded series", async () => {
    const rows: string[] = [];
    for (const [label, expr] of [["cluster", "sum by (cluster) (job_tool:mcp_tool_calls:rate5m)"], ["job", "sum by (job) (job_tool:mcp_tool_calls:rate5m)"],
      ["global", "sum(job_tool:mcp_tool_calls:rate5m)"]] as const) {
      const viaThanos = await byLabel(querierUrl, expr, label);
      const viaSingle = await byLabel(singleUrl, expr, label);
      expect(Object.keys(viaThanos).sort(), expr).toEqual(Object.keys(viaSingle).sort());
      for (const [key, value] of Object.entries(viaSingle)) {
        rows.push(`${expr.padEnd(58)} ${key.padEnd(16)} single ${value.toFixed(3).padStart(7)}  thanos ${viaThanos[key]!.toFixed(3).padStart(7)}`);
        expect(Math.abs(viaThanos[key]! - value) / value, `${expr} ${key}: thanos ${viaThanos[key]} vs single ${value}`).toBeLessThan(TOLERANCE);
      }
    }
    console.log(`calls/s, single Prometheus vs Thanos (ruler through the querier):\n${rows.join("\n")}`);
  });

  it("answers every dashboard query of both profiles through the querier", async () => {
    const end = Math.floor(Date.now() / 1000);
    const range = { start: String(end - 300), end: String(end), step: "15" };
    const problems: string[] = [];
    let answered = 0;
    for (const profile of PROFILE_NAMES) {
      for (const q of dashboardQueries(artifacts, profile)) {
        const ask = async (url: string) => (await (await fetch(`${url}/api/v1/query_range?${new URLSearchParams({ query: q.expr, ...range })}`)).json()) as QueryResult;
        const [viaThanos, viaSingle] = [await ask(querierUrl), await ask(singleUrl)];
        if (viaThanos.status !== "success") problems.push(`${profile} ${q.name}: ${viaThanos.error}`);
        else if (viaThanos.data!.result.length === 0 && viaSingle.data?.result.length) problems.push(`${profile} ${q.name}: empty through the querier, ${viaSingle.data.result.length} series on the single Prometheus`);
        else answered++;
      }
    }
    console.log(`dashboard queries answered through the querier: ${answered}`);
    expect(problems).toEqual([]);
    expect(answered).toBeGreaterThan(0);
  });
});
