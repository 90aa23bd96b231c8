// The SLO detection tests (issue #20's table: clean traffic, then each fault) replay hours and days
// of samples, seconds of promtool each: they run here rather than in `npm test`, with the promtool
// `npm test` uses. linters.peers.test.ts runs them on Prometheus 3's promtool and
// vmalert.peers.test.ts under vmalert-tool, like every other test file. The mutations show that
// each replay fails when a window pair detects later or earlier than the table says.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { promtool } from "../rules/helpers.js";
import { findFiles, repoRoot, shown } from "./support/files.js";

/** Test files `npm test` leaves out: alerts/<profile>/tests/<area>.<replay>.test.yaml. */
const detectionTests = findFiles(join(repoRoot, "alerts"), (path) => /\/tests\/[^/.]+\.[^/.]+\.test\.yaml$/.test(path));

describe("promtool on the SLO detection tests", () => {
  it("finds a page and a ticket replay per profile", () => {
    expect(detectionTests.map(shown)).toEqual([
      "alerts/otel/tests/slo.pages.test.yaml", "alerts/otel/tests/slo.tickets.test.yaml",
      "alerts/prom-client/tests/slo.pages.test.yaml", "alerts/prom-client/tests/slo.tickets.test.yaml",
    ]);
  });

  it.each(detectionTests.map(shown))("%s passes", async (file) => {
    const r = await promtool(["test", "rules", join(repoRoot, file)]);
    expect(r.all, r.all?.slice(-4000)).toContain("SUCCESS");
    expect(r.exitCode).toBe(0);
  }, 180_000);
});

describe("the SLO detection tests fail on rules that detect at other times", () => {
  const copy = mkdtempSync(join(tmpdir(), "mcp-obs-slo-detection-"));
  cpSync(join(repoRoot, "alerts", "prom-client"), copy, { recursive: true });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /** promtool on `test` with slo.rules.yaml mutated; the copy is restored afterwards. */
  async function mutated(mutate: (rules: string) => string, test: string) {
    const file = join(copy, "slo.rules.yaml");
    const original = readFileSync(file, "utf8");
    const changed = mutate(original);
    expect(changed).not.toBe(original);
    writeFileSync(file, changed);
    try {
      return await promtool(["test", "rules", join(copy, "tests", test)]);
    } finally {
      writeFileSync(file, original);
    }
  }

  it("pages: a 30m/6h factor of 6.5 instead of 6 leaves the 10x burn silent at +217m", async () => {
    const r = await mutated((t) => t.replaceAll("> (6 * 0.005)", "> (6.5 * 0.005)"), "slo.pages.test.yaml");
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain("burn_10x_availability");
  }, 180_000);

  it("pages: a for: 2m on the alerts delays the outage pages past +5m", async () => {
    const r = await mutated((t) => t.replaceAll("        labels:\n          severity: critical", "        for: 2m\n        labels:\n          severity: critical"), "slo.pages.test.yaml");
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain("outage_2h_availability");
  }, 180_000);

  it("pages: the ticket's low-traffic condition under a floor of 0.01 calls/s leaves the quiet outage without its ticket at +5m", async () => {
    const r = await mutated((t) => t.replaceAll(") < 0.05", ") < 0.01"), "slo.pages.test.yaml");
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain("quiet_outage_availability");
  }, 180_000);

  it("tickets: a 2d window in place of 3d tickets the 2x burn a day early", async () => {
    const r = await mutated((t) => t.replaceAll("[3d]", "[2d]"), "slo.tickets.test.yaml");
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain("burn_2x_availability");
  }, 180_000);
});
