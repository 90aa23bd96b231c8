// The SLO detection tests (issue #20's table: three days clean, then each fault) replay days of
// samples, minutes of promtool each: they run here rather than in `npm test`, with the promtool
// `npm test` uses. vmalert.peers.test.ts runs the same files under vmalert-tool.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { promtool } from "../rules/helpers.js";
import { findFiles, repoRoot, shown } from "./support/files.js";

const longTests = findFiles(join(repoRoot, "alerts"), (path) => path.endsWith(".long.test.yaml"));

describe("promtool on the long SLO detection tests", () => {
  it("finds one per profile", () => {
    expect(longTests.map(shown)).toEqual(["alerts/otel/tests/slo.long.test.yaml", "alerts/prom-client/tests/slo.long.test.yaml"]);
  });

  it.each(longTests.map(shown))("%s passes", async (file) => {
    const r = await promtool(["test", "rules", join(repoRoot, file)]);
    expect(r.all, r.all?.slice(-4000)).toContain("SUCCESS");
    expect(r.exitCode).toBe(0);
  }, 3_600_000);
});
