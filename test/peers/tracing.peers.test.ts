// Three signals, one trace id, against the real peers on 127.0.0.1: Jaeger 2 (OTLP in, query API),
// VictoriaLogs (JSON lines in, LogsQL out) and Prometheus 3 with exemplar storage, around the
// reference server started with --otlp-endpoint, --log-file and --audit-file, its log and audit trail
// shipped by `logs:ship` (with an audit file, a successful call's one record is its audit line).
// A slow search_docs call must be findable from its latency exemplar in Jaeger and VictoriaLogs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceDrill, type TraceDrillResult } from "../../src/stack-runtime/check/trace-drill.js";
import { JAEGER_HEALTH_PATH, jaegerArgv, jaegerConfig, victoriaLogsArgv, type JaegerPorts } from "../../src/stack-runtime/traces-logs.js";
import { repoRoot } from "./support/files.js";
import { peerBin } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const SLOW_MS = 1_500;
const tsx = (script: string, args: string[]) => startPeer(process.execPath, ["--import", "tsx", join(repoRoot, script), ...args]);

describe("traces and logs beside the metrics (Jaeger, VictoriaLogs, Prometheus)", () => {
  const running: RunningPeer[] = [];
  let workDir = "";
  let jaegerUrl = "";
  let victoriaLogsUrl = "";
  let drill: TraceDrillResult;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "mcp-obs-traces-"));
    const ports: JaegerPorts = { otlpHttp: await freePort(), query: await freePort(), queryGrpc: await freePort(), health: await freePort() };
    writeFileSync(join(workDir, "jaeger.yaml"), jaegerConfig(ports));
    const [jaegerBin, ...jaegerArgs] = jaegerArgv(peerBin("jaeger"), join(workDir, "jaeger.yaml"));
    const jaeger = startPeer(jaegerBin!, jaegerArgs);
    running.push(jaeger);
    jaegerUrl = `http://127.0.0.1:${ports.query}`;

    const vlPort = await freePort();
    const [vlBin, ...vlArgs] = victoriaLogsArgv(peerBin("victoria-logs"), vlPort, join(workDir, "vlogs"));
    const victoriaLogs = startPeer(vlBin!, vlArgs);
    running.push(victoriaLogs);
    victoriaLogsUrl = `http://127.0.0.1:${vlPort}`;

    const serverPort = await freePort();
    const logFile = join(workDir, "server.log");
    const auditFile = join(workDir, "audit.jsonl");
    const server = tsx("src/sample-server/bin.ts", ["--transport", "http", "--port", String(serverPort),
      "--log-file", logFile, "--audit-file", auditFile, "--otlp-endpoint", `http://127.0.0.1:${ports.otlpHttp}`]);
    running.push(server);
    running.push(tsx("src/cli/bin.ts", ["logs", "ship", "--service", "mcp-sample-server", "--url", victoriaLogsUrl, "--log", logFile,
      "--audit", auditFile, "--interval-ms", "250"]));

    const promPort = await freePort();
    writeFileSync(join(workDir, "prometheus.yml"), JSON.stringify({
      global: { scrape_interval: "1s" },
      scrape_configs: [{ job_name: "mcp-server", static_configs: [{ targets: [`127.0.0.1:${serverPort}`] }] }],
    }));
    const prometheus = startPeer(peerBin("prometheus"), [`--config.file=${join(workDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(workDir, "prom")}`, `--web.listen-address=127.0.0.1:${promPort}`,
      "--enable-feature=exemplar-storage"]);
    running.push(prometheus);

    await waitForHttp(jaeger, `http://127.0.0.1:${ports.health}${JAEGER_HEALTH_PATH}`, { timeoutMs: 60_000 });
    await waitForHttp(victoriaLogs, `${victoriaLogsUrl}/health`, { timeoutMs: 60_000 });
    await waitForHttp(server, `http://127.0.0.1:${serverPort}/health`, { timeoutMs: 60_000 });
    await waitForHttp(prometheus, `http://127.0.0.1:${promPort}/-/ready`, { timeoutMs: 60_000 });

    drill = await traceDrill({
      serverUrl: `http://127.0.0.1:${serverPort}`, profile: "prom-client", job: "mcp-server",
      prometheusUrl: `http://127.0.0.1:${promPort}`, jaegerUrl, victoriaLogsUrl,
    }, { slowMs: SLOW_MS, stepTimeoutMs: 30_000, progress: (l) => console.log(l) });
  }, 240_000);

  afterAll(async () => {
    for (const peer of running.reverse()) await stopPeer(peer);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("finds the slow call's exemplar, its trace in Jaeger and its log lines in VictoriaLogs by one trace id", () => {
    const table = drill.rows.map((r) => `${r.subject}: ${r.ok ? "ok" : "FAIL"} ${r.detail}`).join("\n");
    expect(drill.rows.map((r) => r.subject), table).toEqual(["exemplar", "jaeger trace", "victorialogs lines"]);
    for (const r of drill.rows) expect(r.ok, table).toBe(true);
    expect(drill.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("stores the server span per the MCP conventions", async () => {
    const body = (await (await fetch(`${jaegerUrl}/api/traces/${drill.traceId}`)).json()) as {
      data: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[]; processes: Record<string, { serviceName: string }> }[];
    };
    const span = body.data[0]!.spans.find((s) => s.operationName === "tools/call search_docs")!;
    const tags = Object.fromEntries(span.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ "span.kind": "server", "mcp.method.name": "tools/call", "gen_ai.tool.name": "search_docs",
      "gen_ai.operation.name": "execute_tool", "network.transport": "tcp" });
    expect(Object.values(body.data[0]!.processes).map((p) => p.serviceName)).toContain("mcp-sample-server");
  });

  it("answers LogsQL trace_id:<id> with the call's audit record, its span id and latency", async () => {
    const url = new URL("/select/logsql/query", victoriaLogsUrl);
    url.searchParams.set("query", `trace_id:${drill.traceId}`);
    const text = await (await fetch(url)).text();
    const lines = text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    const call = lines.find((l) => l.source === "audit");
    // logs:ship makes an audit record's tool its message.
    expect(call, text).toMatchObject({ trace_id: drill.traceId, _msg: "search_docs", service: "mcp-sample-server",
      outcome: "ok", transport: "http" });
    expect(Number(call!.latency_ms)).toBeGreaterThanOrEqual(SLOW_MS);
    expect(call!.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(call!.request_id).toMatch(/^\d+$/);
    // The successful call is not repeated in the log (logAuditedCalls 'failed', the default).
    expect(lines.filter((l) => l.source === "log" && l._msg === "tools/call"), text).toEqual([]);
    // docs/tracing.md's query for one tool's audit records.
    url.searchParams.set("query", "source:audit AND _msg:search_docs");
    const byTool = (await (await fetch(url)).text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    expect(byTool.map((l) => l.span_id)).toContain(call!.span_id);
  });
});
