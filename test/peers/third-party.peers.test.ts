// Third-party MCP servers that export the OpenTelemetry MCP metrics, scraped by a real Prometheus 3
// loading the otel profile's rules, each driven by a 2025-era and a 2026-07-28 client. Prints, per
// server, recording rules with data, alerts with all their inputs and dashboard panels with data.
// Go: grafana/mcp-grafana (otel-go semconv mcpconv, Go Prometheus exporter), its Grafana API
// answered by a stub here (empty search results), so its tools run for real.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NORMALISED } from "../../src/catalog/index.js";
import { activeAlerts, coverage, COVERAGE_HEADER, coverageRow, query, startPrometheus } from "./support/coverage.js";
import { peerBin } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const JOB = "mcp-grafana";
const TRAFFIC_MS = 20_000;

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
 * for 2026-07-28), lists tools, makes healthy calls and one to a tool that does not exist (a
 * caller error, not the server's). Returns the protocol version negotiated.
 */
async function drive(url: string, era: "legacy" | "auto", until: number): Promise<string | undefined> {
  let version: string | undefined;
  while (Date.now() < until) {
    const client = new Client({ name: `${era}-client`, version: "1.0.0" }, { versionNegotiation: { mode: era } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    version = client.getNegotiatedProtocolVersion();
    await client.listTools();
    for (let round = 0; round < 4; round++) {
      await client.callTool({ name: "search_dashboards", arguments: { query: "x" } });
      await client.callTool({ name: "list_datasources", arguments: {} });
      await client.callTool({ name: "nope", arguments: {} }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
    await client.close();
  }
  return version;
}

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
    ({ peer: prometheus, base: prom } = await startPrometheus(work, "otel", JOB, `127.0.0.1:${mcpPort}`));
    const url = `http://127.0.0.1:${mcpPort}/mcp`;
    const until = Date.now() + TRAFFIC_MS;
    eras = await Promise.all([drive(url, "legacy", until), drive(url, "auto", until)]);
    await new Promise((r) => setTimeout(r, 3_000)); // a last scrape and rule evaluation
  }, 120_000);

  afterAll(async () => {
    if (prometheus) await stopPeer(prometheus);
    if (server) await stopPeer(server);
    await new Promise((r) => stub.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  it("serves a 2025-era and a 2026-07-28 client", () => {
    expect(eras).toEqual(["2025-11-25", "2026-07-28"]);
  });

  it("prints the per-server table; the signals a Go exporter has all reach their rules", async () => {
    const measured = await coverage(prom, "otel");
    const { recording, withData } = measured;
    console.log(`${COVERAGE_HEADER}\n${coverageRow("mcp-grafana 1.6.3, Go, otel-go Prometheus exporter", measured)}`);
    // What a Go process exports: operations, sessions, target_info, process CPU and memory.
    const fedByGo = [NORMALISED.operations, NORMALISED.sessions].flatMap((f) => ["bucket", "count", "sum"].map((p) => `${f.name}_${p}`))
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
