// Third-party MCP servers that export the OpenTelemetry MCP metrics, scraped by a real Prometheus 3
// loading the otel profile's rules, each driven by a 2025-era and a 2026-07-28 client. Prints, per
// server, recording rules with data, alerts with all their inputs and dashboard panels with data.
// Go: grafana/mcp-grafana (otel-go semconv mcpconv, Go Prometheus exporter), its Grafana API
// answered by a stub here (empty search results), so its tools run for real.
// Node: @upstash/context7-mcp 4.1.1 (SDK 2.x, its own semconv instrumentation, OTel JS Prometheus
// exporter and runtime-node 0.34 metrics), its Context7 API answered by a stub here.
// Node: @shinzolabs/instrumentation-mcp 1.1.0 (OTLP only, pushed to Prometheus's OTLP receiver) on a
// server written as its README says (test/peers/fixtures/shinzo/readme-server.mjs): what it exports,
// and what of the otel profile that reaches, as it is today.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NORMALISED, UNKNOWN_TOOL_ERROR_TYPE } from "../../src/catalog/index.js";
import { activeAlerts, coverage, COVERAGE_HEADER, coverageRow, query, startPrometheus } from "./support/coverage.js";
import { peerBin } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const JOB = "mcp-grafana";
const TRAFFIC_MS = 20_000;

/** The bucket, count and sum series of a normalised histogram. */
const histogramSeries = (f: { name: string }) => ["bucket", "count", "sum"].map((p) => `${f.name}_${p}`);

/** Stops what a block started (in order; any of it missing when its beforeAll failed early), then its stub, and removes its work folder. */
async function cleanUp(work: string, peers: (RunningPeer | undefined)[], stub?: HttpServer): Promise<void> {
  for (const peer of peers) if (peer) await stopPeer(peer);
  if (stub) await new Promise((r) => stub.close(r));
  rmSync(work, { recursive: true, force: true });
}

/** The grafana/mcp-grafana endpoints its search and datasource tools call, answered empty. */
function grafanaStub(): HttpServer {
  return createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url?.startsWith("/api/search") || req.url?.startsWith("/api/datasources")) res.end("[]");
    else if (req.url?.startsWith("/api/health")) res.end('{"database":"ok","version":"12.0.0"}');
    else { res.statusCode = 404; res.end('{"message":"not found"}'); }
  });
}

/**
 * Client sessions, one after another until `until`: each connects (initialize, or server/discover
 * for 2026-07-28), lists tools, makes the server's calls and one to a tool that does not exist (a
 * caller error, not the server's). Returns the protocol version negotiated.
 */
async function drive(url: string, era: "legacy" | "auto", until: number, calls: (client: Client) => Promise<unknown>): Promise<string | undefined> {
  let version: string | undefined;
  while (Date.now() < until) {
    const client = new Client({ name: `${era}-client`, version: "1.0.0" }, { versionNegotiation: { mode: era } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    version = client.getNegotiatedProtocolVersion();
    await client.listTools();
    for (let round = 0; round < 4; round++) {
      await calls(client);
      await client.callTool({ name: "nope", arguments: {} }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
    await client.close();
  }
  return version;
}

const grafanaCalls = async (client: Client) => {
  await client.callTool({ name: "search_dashboards", arguments: { query: "x" } });
  await client.callTool({ name: "list_datasources", arguments: {} });
};

describe("third-party servers through the otel profile's rules and dashboards", () => {
  const work = mkdtempSync(join(tmpdir(), "mcp-obs-third-party-"));
  const stub = grafanaStub();
  let server: RunningPeer | undefined;
  let prometheus: RunningPeer | undefined;
  let prom = "";
  let eras: (string | undefined)[] = [];

  beforeAll(async () => {
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    const mcpPort = await freePort();
    server = startPeer(peerBin("mcp-grafana"), ["-t", "streamable-http", "-address", `127.0.0.1:${mcpPort}`, "--metrics"],
      { GRAFANA_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}` });
    await waitForHttp(server, `http://127.0.0.1:${mcpPort}/metrics`, { timeoutMs: 30_000 });
    ({ peer: prometheus, base: prom } = await startPrometheus(work, "otel", { job: JOB, target: `127.0.0.1:${mcpPort}` }));
    const url = `http://127.0.0.1:${mcpPort}/mcp`;
    const until = Date.now() + TRAFFIC_MS;
    eras = await Promise.all([drive(url, "legacy", until, grafanaCalls), drive(url, "auto", until, grafanaCalls)]);
    await new Promise((r) => setTimeout(r, 3_000)); // a last scrape and rule evaluation
  }, 120_000);

  afterAll(() => cleanUp(work, [prometheus, server], stub));

  it("serves a 2025-era and a 2026-07-28 client", () => {
    expect(eras).toEqual(["2025-11-25", "2026-07-28"]);
  });

  it("prints the per-server table; the signals a Go exporter has all reach their rules", async () => {
    const measured = await coverage(prom, "otel");
    const { recording, withData } = measured;
    console.log(`${COVERAGE_HEADER}\n${coverageRow("mcp-grafana 1.6.3, Go, otel-go Prometheus exporter", measured)}`);
    // What a Go process exports: operations, sessions, target_info, process CPU and memory.
    const fedByGo = [NORMALISED.operations, NORMALISED.sessions].flatMap(histogramSeries)
      .concat([NORMALISED.presence.name, NORMALISED.cpuSeconds.name, NORMALISED.residentMemory.name]);
    expect(fedByGo.filter((n) => !withData.has(n))).toEqual([]);
    // Everything left without data reads what this exporter does not write: a V8 runtime metric (heap, GC,
    // event loop) or rpc.response.status_code (mcp-grafana records errors as error.type only).
    const v8 = [NORMALISED.heapUsed, NORMALISED.heapLimit, NORMALISED.eventLoopLag, NORMALISED.gcDuration].map((f) => f.name);
    const v8Exported = [NORMALISED.heapUsed, NORMALISED.heapLimit, NORMALISED.eventLoopLag, NORMALISED.gcDuration].map((f) => f.exported);
    const empty = recording.filter((r) => !withData.has(r.name));
    console.log(`without data: ${empty.map((r) => r.name).join(", ")}`);
    for (const r of empty) {
      const reads = [...v8, ...v8Exported, 'rpc_response_status_code!=""'];
      expect(reads.some((n) => r.query.includes(n)) || r.name.includes("gc_duration"), `${r.name}: ${r.query}`).toBe(true);
    }
  }, 120_000);

  it("leaves no alert pending on a healthy run", async () => {
    expect(await activeAlerts(prom)).toEqual([]);
  });

  it("misclassifies nothing: an unknown tool is a caller error under _OTHER, never a tool of its own or a server or validation error", async () => {
    const ops = `${NORMALISED.operations.name}_count`;
    expect(await query(prom, `${ops}{gen_ai_tool_name="nope"}`)).toEqual([]);
    expect((await query(prom, `${ops}{gen_ai_tool_name="_OTHER", error_type="unknown_tool"}`)).length).toBe(1);
    for (const ratio of ["job_tool:mcp_tool_server_errors:ratio_rate5m", "job_tool:mcp_tool_validation_errors:ratio_rate5m"]) {
      const r = (await query(prom, `${ratio}{gen_ai_tool_name="_OTHER"}`)) as { value: [number, string] }[];
      expect(r.map((s) => Number(s.value[1])), ratio).toEqual([0]);
    }
  });

  it("shows the 2026-07-28 client's server/discover as a handshake", async () => {
    const r = (await query(prom, `sum(rate(${NORMALISED.operations.name}_count{mcp_method_name="server/discover"}[5m]))`)) as { value: [number, string] }[];
    expect(Number(r[0]?.value[1])).toBeGreaterThan(0);
    expect((await query(prom, "job_transport:mcp_handshakes:rate5m > 0")).length).toBeGreaterThan(0);
  });
});

/** The README server's calls: two healthy tools, one that throws and one that answers isError. */
const readmeCalls = async (client: Client) => {
  await client.callTool({ name: "echo", arguments: { text: "x" } });
  await client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
  await client.callTool({ name: "fail", arguments: {} }).catch(() => undefined);
  await client.callTool({ name: "refuse", arguments: {} });
};

describe("a Node server instrumented by @shinzolabs/instrumentation-mcp, through the otel profile", () => {
  const work = mkdtempSync(join(tmpdir(), "mcp-obs-shinzo-"));
  const fixture = fileURLToPath(new URL("fixtures/shinzo/readme-server.mjs", import.meta.url));
  let server: RunningPeer | undefined;
  let prometheus: RunningPeer | undefined;
  let prom = "";
  let url = "";
  let eras: (string | undefined)[] = [];

  beforeAll(async () => {
    ({ peer: prometheus, base: prom } = await startPrometheus(work, "otel", "otlp"));
    const mcpPort = await freePort();
    server = startPeer(process.execPath, [fixture, peerBin("shinzo-instrumentation-mcp"), String(mcpPort), `${prom}/api/v1/otlp/v1`]);
    await waitForHttp(server, `http://127.0.0.1:${mcpPort}/`, { timeoutMs: 30_000, ready: (response) => response.status === 404 });
    url = `http://127.0.0.1:${mcpPort}/mcp`;
    const until = Date.now() + TRAFFIC_MS;
    eras = await Promise.all([drive(url, "legacy", until, readmeCalls), drive(url, "auto", until, readmeCalls)]);
    await new Promise((r) => setTimeout(r, 4_000)); // a last export (every second) and rule evaluation
  }, 120_000);

  afterAll(() => cleanUp(work, [server, prometheus]));

  it("serves a 2025-era client; a 2026-07-28 client's server/discover probe is refused, so it falls back to 2025-11-25", async () => {
    expect(eras).toEqual(["2025-11-25", "2025-11-25"]);
    const probe = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "server/discover", params: { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } } }) });
    expect(probe.status).toBe(400);
    expect(await probe.json()).toMatchObject({ error: { code: -32000, message: "Bad Request: Server not initialized" } });
  });

  it("prints the per-server table: only tools/call is exported, in milliseconds under mcp.tool.name, which no rule reads", async () => {
    const measured = await coverage(prom, "otel");
    console.log(`${COVERAGE_HEADER}\n${coverageRow("shinzo instrumentation-mcp 1.1.0, Node, SDK 1.x, OTLP to Prometheus 3", measured)}`);
    console.log(`with data: ${[...measured.withData].join(", ")}`);
    const names = ((await query(prom, 'group by (__name__) ({__name__=~".+", __name__!~"ALERTS.*|slo:.*|otel:.*"})')) as { metric: { __name__: string } }[])
      .map((s) => s.metric.__name__).sort();
    // One counter per tool name, and the semconv histogram with the unit "ms" (the conventions say "s").
    expect(names).toEqual(["mcp_server_operation_duration_milliseconds_bucket", "mcp_server_operation_duration_milliseconds_count",
      "mcp_server_operation_duration_milliseconds_sum", "target_info", "tools_call_add_calls_total", "tools_call_echo_calls_total",
      "tools_call_fail_calls_total", "tools_call_refuse_calls_total"]);
    const ops = (await query(prom, "mcp_server_operation_duration_milliseconds_count")) as { metric: Record<string, string> }[];
    expect(new Set(ops.map((s) => s.metric.mcp_method_name))).toEqual(new Set(["tools/call"]));
    expect(new Set(ops.map((s) => s.metric.mcp_tool_name))).toEqual(new Set(["echo", "add", "fail", "refuse"]));
    // No gen_ai.tool.name, error.type or rpc.response.status_code; an mcp.session.id per McpServer instance.
    for (const label of ["gen_ai_tool_name", "error_type", "rpc_response_status_code"]) expect(ops.filter((s) => label in s.metric), label).toEqual([]);
    expect(ops.every((s) => s.metric.mcp_session_id)).toBe(true);
    // So only the profile's constant SLO objectives (and the presence of target_info) have data.
    expect([...measured.withData].filter((n) => !n.startsWith("slo:") && n !== NORMALISED.presence.name)).toEqual([]);
  }, 120_000);

  it("leaves no alert pending on a healthy run", async () => {
    expect(await activeAlerts(prom)).toEqual([]);
  });

  it("records a thrown tool error and an isError result without error.type, and no unknown tool at all", async () => {
    // The wrapper catches the error into a shadowed binding and returns undefined: the client gets -32602.
    const client = new Client({ name: "probe", version: "1.0.0" }, { versionNegotiation: { mode: "legacy" } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    await expect(client.callTool({ name: "fail", arguments: {} })).rejects.toThrow(/-32602: Invalid tools\/call result/);
    await client.close();
    for (const tool of ["fail", "refuse"]) {
      const series = (await query(prom, `mcp_server_operation_duration_milliseconds_count{mcp_tool_name="${tool}"}`)) as { metric: Record<string, string> }[];
      expect(series.length, tool).toBeGreaterThan(0);
      expect(series.filter((s) => s.metric.error_type), tool).toEqual([]);
    }
    expect(await query(prom, 'mcp_server_operation_duration_milliseconds_count{mcp_tool_name="nope"}')).toEqual([]);
  });
});

/**
 * The Context7 API endpoints @upstash/context7-mcp's two tools call (dist/lib/api.js): a library
 * search answered with one library, and documentation as text, except for /broken/lib, answered 500
 * (the server then returns the API's message and records error.type tool_error).
 */
function context7Stub(): HttpServer {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    if (url.pathname === "/v2/libs/search") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ results: [{ id: "/vercel/next.js", title: "Next.js", description: "The React framework",
        totalSnippets: 3000, trustScore: 9, benchmarkScore: 90, versions: ["v14.3.0"] }] }));
    } else if (url.pathname === "/v2/context" && url.searchParams.get("libraryId") === BROKEN_LIBRARY) {
      res.statusCode = 500;
      res.setHeader("content-type", "application/json");
      res.end('{"message":"upstream failed"}');
    } else if (url.pathname === "/v2/context") {
      res.setHeader("content-type", "text/plain");
      res.end("### useEffect cleanup\n```js\nuseEffect(() => () => clearInterval(id), []);\n```\n");
    } else { res.statusCode = 404; res.end("{}"); }
  });
}

const BROKEN_LIBRARY = "/broken/lib";

const context7Calls = async (client: Client) => {
  await client.callTool({ name: "resolve-library-id", arguments: { query: "routing", libraryName: "Next.js" } });
  await client.callTool({ name: "query-docs", arguments: { libraryId: "/vercel/next.js", query: "useEffect cleanup" } });
};

/** A call the Context7 API fails (500) and one with invalid arguments: both answered as isError results by the server. */
const context7Failures = async (client: Client) => {
  const failed = await client.callTool({ name: "query-docs", arguments: { libraryId: BROKEN_LIBRARY, query: "x" } });
  const invalid = await client.callTool({ name: "query-docs", arguments: { libraryId: 5 } });
  return { failed: failed.isError, invalid: invalid.isError };
};

async function withClient<T>(url: string, era: "legacy" | "auto", use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: `${era}-client`, version: "1.0.0" }, { versionNegotiation: { mode: era } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe("@upstash/context7-mcp (Node, SDK 2.x, OTel JS Prometheus exporter) through the otel profile's rules and dashboards", () => {
  const work = mkdtempSync(join(tmpdir(), "mcp-obs-context7-"));
  const loopback = fileURLToPath(new URL("fixtures/context7/loopback.mjs", import.meta.url));
  const stub = context7Stub();
  const ops = `${NORMALISED.operations.name}_count`;
  let server: RunningPeer | undefined;
  let prometheus: RunningPeer | undefined;
  let prom = "";
  let url = "";
  let eras: (string | undefined)[] = [];

  beforeAll(async () => {
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    const [mcpPort, metricsPort] = [await freePort(), await freePort()];
    server = startPeer(process.execPath, ["--import", loopback, peerBin("context7-mcp"), "--transport", "http", "--port", String(mcpPort)], {
      CONTEXT7_API_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
      OTEL_METRICS_EXPORTER: "prometheus", OTEL_EXPORTER_PROMETHEUS_HOST: "127.0.0.1", OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    });
    await waitForHttp(server, `http://127.0.0.1:${mcpPort}/ping`, { timeoutMs: 30_000 });
    await waitForHttp(server, `http://127.0.0.1:${metricsPort}/metrics`, { timeoutMs: 30_000 });
    ({ peer: prometheus, base: prom } = await startPrometheus(work, "otel", { job: "mcp-context7", target: `127.0.0.1:${metricsPort}` }));
    url = `http://127.0.0.1:${mcpPort}/mcp`;
    // One failure of each kind per era before the healthy traffic: their series then exist (a series'
    // first sample is not an increase), flat during the healthy run, so the failures made later count.
    for (const era of ["legacy", "auto"] as const) await withClient(url, era, context7Failures);
    const until = Date.now() + TRAFFIC_MS;
    eras = await Promise.all([drive(url, "legacy", until, context7Calls), drive(url, "auto", until, context7Calls)]);
    await new Promise((r) => setTimeout(r, 3_000)); // a last scrape and rule evaluation
  }, 120_000);

  afterAll(() => cleanUp(work, [prometheus, server], stub));

  it("serves a 2025-era and a 2026-07-28 client", () => {
    expect(eras).toEqual(["2025-11-25", "2026-07-28"]);
  });

  it("prints the per-server table; every rule its signals can feed has data", async () => {
    const measured = await coverage(prom, "otel");
    const { recording, withData } = measured;
    console.log(`${COVERAGE_HEADER}\n${coverageRow("@upstash/context7-mcp 4.1.1, Node, SDK 2.x, OTel JS Prometheus exporter", measured)}`);
    // What it exports: operations (no unit suffix), target_info, and runtime-node 0.34's heap used and
    // space size (the heap limit's new name), event loop delay and GC.
    const fed = [...histogramSeries(NORMALISED.operations), ...histogramSeries(NORMALISED.gcDuration),
      NORMALISED.presence.name, NORMALISED.heapUsed.name, NORMALISED.heapLimit.name, NORMALISED.eventLoopLag.name];
    expect(fed.filter((n) => !withData.has(n))).toEqual([]);
    // Everything left without data reads what it does not export: sessions (it serves statelessly),
    // process CPU and resident memory (it installs no host metrics).
    const absent = [NORMALISED.sessions, NORMALISED.cpuSeconds, NORMALISED.residentMemory].map((f) => f.name);
    const empty = recording.filter((r) => !withData.has(r.name));
    console.log(`without data: ${empty.map((r) => r.name).join(", ")}\nalerts missing inputs: ${measured.alertsUnfed.join(", ")}`
      + `\npanels without data: ${measured.unfedPanels.join("; ")}`);
    for (const r of empty) expect(absent.some((n) => r.name.startsWith(n) || r.query.includes(n)), `${r.name}: ${r.query}`).toBe(true);
  }, 120_000);

  it("leaves no alert pending on a healthy run", async () => {
    expect(await activeAlerts(prom)).toEqual([]);
  });

  it("misclassifies no unknown tool: \"unknown\" with only -32602 becomes _OTHER/unknown_tool, never a server or validation error", async () => {
    expect(await query(prom, `mcp_server_operation_duration_count{gen_ai_tool_name="unknown", rpc_response_status_code="-32602", error_type=""}`)).not.toEqual([]);
    expect(await query(prom, `${ops}{gen_ai_tool_name="unknown"}`)).toEqual([]);
    expect(await query(prom, `${ops}{gen_ai_tool_name="_OTHER", error_type="${UNKNOWN_TOOL_ERROR_TYPE}"}`)).not.toEqual([]);
    // No caller fault is left without error.type (it would count as a success).
    expect(await query(prom, `${ops}{rpc_response_status_code!="", error_type=""}`)).toEqual([]);
    for (const ratio of ["job_tool:mcp_tool_server_errors:ratio_rate5m", "job_tool:mcp_tool_validation_errors:ratio_rate5m"]) {
      const r = (await query(prom, `${ratio}{gen_ai_tool_name="_OTHER"}`)) as { value: [number, string] }[];
      expect(r.map((s) => Number(s.value[1])), ratio).toEqual([0]);
    }
  });

  it("shows the 2026-07-28 client's server/discover as a handshake", async () => {
    const r = (await query(prom, `sum(rate(${ops}{mcp_method_name="server/discover"}[5m]))`)) as { value: [number, string] }[];
    expect(Number(r[0]?.value[1])).toBeGreaterThan(0);
    expect((await query(prom, "job_transport:mcp_handshakes:rate5m > 0")).length).toBeGreaterThan(0);
  });

  it("counts a tool_error as a server error, never a success (invalid arguments included: the server answers them as tool_error too)", async () => {
    const results = await Promise.all((["legacy", "auto"] as const).map((era) => withClient(url, era, async (client) => {
      const answered = [];
      for (let i = 0; i < 5; i++) answered.push(await context7Failures(client));
      return answered;
    })));
    // The API failure comes back as text without isError (the tool records tool_error itself); the
    // SDK answers invalid arguments with an isError result, as the 2025-11-25 specification asks.
    for (const answered of results.flat()) expect(answered).toEqual({ failed: undefined, invalid: true });
    await new Promise((r) => setTimeout(r, 3_000)); // a scrape and rule evaluation
    const raw = (await query(prom, `mcp_server_operation_duration_count{gen_ai_tool_name="query-docs", error_type="tool_error"}`)) as { metric: Record<string, string> }[];
    expect(raw.map((s) => s.metric.context7_mcp_tool_outcome)).toEqual(raw.map(() => "error"));
    const errors = (await query(prom, `job_tool:mcp_tool_server_errors:ratio_rate5m{gen_ai_tool_name="query-docs"}`)) as { value: [number, string] }[];
    expect(errors.map((s) => Number(s.value[1]) > 0)).toEqual([true]);
    const validation = (await query(prom, `job_tool:mcp_tool_validation_errors:ratio_rate5m{gen_ai_tool_name="query-docs"}`)) as { value: [number, string] }[];
    expect(validation.map((s) => Number(s.value[1]))).toEqual([0]);
  }, 60_000);
});
