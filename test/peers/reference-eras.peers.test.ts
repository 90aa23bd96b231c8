// The reference server on SDK 2.x (--sdk 2), scraped by a real Prometheus loading the profile's
// rules, in both profiles: once driven only by 2025-era clients, once only by 2026-07-28 clients
// (server/discover, no session), each on a fresh server and Prometheus. Prints the per-server
// table; a 2026-07-28 client's calls must reach every recording rule and dashboard panel a
// 2025-era client's calls reach, and a healthy run leaves no alert pending.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfileName } from "../../src/catalog/index.js";
import type { ProtocolEra } from "../../src/simulator/client.js";
import { simulate } from "../../src/simulator/run.js";
import { startServer } from "../server/harness.js";
import { activeAlerts, coverage, COVERAGE_HEADER, coverageRow, query, type Coverage, startPrometheus } from "./support/coverage.js";
import { stopPeer } from "./support/process.js";

/** Two rounds of agent sessions: the second round's handshakes increase counters the first one created (a first sample is no increase). */
const ROUND_SECONDS = 8;

/** A fresh reference server and Prometheus, healthy traffic of one era, then what has data. */
async function measure(profile: ProfileName, era: ProtocolEra): Promise<{ coverage: Coverage; alerts: string[]; handshakes: number }> {
  const work = mkdtempSync(join(tmpdir(), `mcp-obs-reference-${era}-`));
  const server = await startServer(["--sdk", "2", "--profile", profile]);
  const prometheus = await startPrometheus(work, profile, { job: "mcp-reference", target: `127.0.0.1:${server.port}` }).catch(async (err) => {
    await server.stop();
    throw err;
  });
  try {
    for (const seed of [5, 6]) {
      const stats = await simulate({
        url: new URL(`${server.base}/mcp`), command: undefined, protocol: era, durationSeconds: ROUND_SECONDS, maxCalls: undefined,
        sessions: 2, rate: 10, hallucinationRate: 0, invalidArgsRate: 0, unknownToolBurst: 0, seed,
      }, () => {});
      expect(stats.sessionFailures, stats.summary()).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 3_000)); // a last scrape and rule evaluation
    const handshakes = (await query(prometheus.base, "sum(job_transport:mcp_handshakes:rate5m) > 0")).length;
    return { coverage: await coverage(prometheus.base, profile), alerts: await activeAlerts(prometheus.base), handshakes };
  } finally {
    await stopPeer(prometheus.peer);
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

describe.each<ProfileName>(["prom-client", "otel"])("reference server on SDK 2.x through the %s profile's rules and dashboards", (profile) => {
  const runs = new Map<ProtocolEra, Awaited<ReturnType<typeof measure>>>();
  beforeAll(async () => {
    for (const era of ["2025", "2026-07-28"] as const) runs.set(era, await measure(profile, era));
    console.log([COVERAGE_HEADER,
      ...[...runs].map(([era, run]) => coverageRow(`reference server --sdk 2, ${profile}, ${era} clients only`, run.coverage))].join("\n"));
  }, 180_000);
  afterAll(() => runs.clear());

  it("shows the 2026-07-28 clients' calls on every rule and panel the 2025-era clients' calls reach", () => {
    const legacy = runs.get("2025")!.coverage;
    const modern = runs.get("2026-07-28")!.coverage;
    expect([...legacy.withData].filter((name) => !modern.withData.has(name))).toEqual([]);
    expect([...legacy.fedPanels].filter((title) => !modern.fedPanels.has(title))).toEqual([]);
    expect(modern.panelsFed).toBeGreaterThan(0);
  });

  it("counts server/discover as a handshake, as initialize", () => {
    expect(runs.get("2025")!.handshakes).toBe(1);
    expect(runs.get("2026-07-28")!.handshakes).toBe(1);
  });

  it("leaves no alert pending on a healthy run of either era", () => {
    expect(runs.get("2025")!.alerts).toEqual([]);
    expect(runs.get("2026-07-28")!.alerts).toEqual([]);
  });
});
