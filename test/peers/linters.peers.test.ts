// Static checks of dashboards and rule files with the real upstream tools.
// Each tool is also run on a file it must reject, so a tool that accepts everything
// (wrong binary, ignored arguments) cannot make these tests pass.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { load } from "js-yaml";
import { afterAll, describe, expect, it } from "vitest";
import { findFiles, fixturesDir, generatedDashboards, generatedMimirRules, generatedPrometheusRules, repoRoot, shown } from "./support/files.js";
import { refusedHere, runPeer } from "./support/peers.js";

const EXPECTED_PROMETHEUS_MAJOR = "3.";

const fixtureDashboards = findFiles(join(fixturesDir, "dashboards"), (path) => path.endsWith(".json"));
const fixturePrometheusRules = findFiles(join(fixturesDir, "rules"), (path) => path.endsWith(".rules.yaml"));
const fixtureMimirRules = findFiles(join(fixturesDir, "mimir"), (path) => path.endsWith(".yaml"));
const invalid = (name: string) => join(fixturesDir, "invalid", name);

const dashboards = [...fixtureDashboards, ...generatedDashboards()];
const prometheusRules = [...fixturePrometheusRules, ...generatedPrometheusRules()];
const mimirRules = [...fixtureMimirRules, ...generatedMimirRules()];

const scratch = mkdtempSync(join(tmpdir(), "mcp-obs-linters-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("promtool (Prometheus 3) check rules", () => {
  it("is the Prometheus 3 promtool, not the distribution's 2.x one", async () => {
    const run = await runPeer("promtool", ["--version"]);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(new RegExp(`version ${EXPECTED_PROMETHEUS_MAJOR.replace(".", "\\.")}\\d+`));
  });

  it("rejects a rule file with invalid PromQL and an unnamed rule", async () => {
    const run = await runPeer("promtool", ["check", "rules", invalid("broken.rules.yaml")]);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/FAILED/);
    expect(run.output).toMatch(/parse error: unclosed left parenthesis/);
    expect(run.output).toMatch(/one of 'record' or 'alert' must be set/);
  });

  it.each(prometheusRules.map((path) => [shown(path), path]))("accepts %s", async (_name, path) => {
    // --lint-fatal turns promtool's lint findings (duplicate rules) into failures too.
    const run = await runPeer("promtool", ["check", "rules", "--lint=all", "--lint-fatal", path]);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
  });
});

// Skipped only where `npm run peers` recorded that the registry refuses the module (see refusedHere).
describe.skipIf(refusedHere("dashboard-linter"))("dashboard-linter lint --strict", () => {
  it("rejects a dashboard with a hard-wired datasource and no job/instance templating", async () => {
    const run = await runPeer("dashboard-linter", ["lint", "--strict", invalid("hardcoded-datasource.json")]);
    expect(run.exitCode, run.output).not.toBe(0);
  });

  it.each(dashboards.map((path) => [shown(path), path]))("accepts %s", async (_name, path) => {
    const run = await runPeer("dashboard-linter", ["lint", "--strict", path]);
    expect(run.exitCode, run.output).toBe(0);
  });
});

// Skipped only where `npm run peers` recorded that the licence policy rules mimirtool out (see refusedHere).
describe.skipIf(refusedHere("mimirtool"))("mimirtool rules check / rules lint", () => {
  it("rejects a Mimir rule file with invalid PromQL", async () => {
    const run = await runPeer("mimirtool", ["rules", "lint", "--dry-run", invalid("broken-mimir.yaml")]);
    expect(run.exitCode, run.output).not.toBe(0);
  });

  it.each(mimirRules.map((path) => [shown(path), path]))("accepts %s", async (_name, path) => {
    const check = await runPeer("mimirtool", ["rules", "check", path]);
    expect(check.exitCode, check.output).toBe(0);
    // --dry-run: report what lint would reformat without rewriting the committed file.
    const lint = await runPeer("mimirtool", ["rules", "lint", "--dry-run", path]);
    expect(lint.exitCode, lint.output).toBe(0);
  });
});

// Mimir rule files carry Prometheus rule groups under a namespace; promtool checks those groups
// too, so the Mimir files get a real PromQL/rule check even where mimirtool is not installed.
describe("promtool (Prometheus 3) on the groups of Mimir rule files", () => {
  function groupsOnly(path: string): string {
    const namespaceFile = load(readFileSync(path, "utf8")) as { namespace?: unknown; groups?: unknown };
    expect(typeof namespaceFile.namespace, `${shown(path)} has no namespace`).toBe("string");
    const out = join(scratch, `${String(namespaceFile.namespace)}-${Math.random().toString(36).slice(2)}.rules.yaml`);
    writeFileSync(out, JSON.stringify({ groups: namespaceFile.groups }));
    return out;
  }

  it("rejects the groups of a broken Mimir rule file", async () => {
    const run = await runPeer("promtool", ["check", "rules", groupsOnly(invalid("broken-mimir.yaml"))]);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/parse error/);
  });

  it.each(mimirRules.map((path) => [shown(path), path]))("accepts the groups of %s", async (_name, path) => {
    const run = await runPeer("promtool", ["check", "rules", "--lint=all", "--lint-fatal", groupsOnly(path)]);
    expect(run.exitCode, run.output).toBe(0);
  });
});

// Prometheus 3 changed rule evaluation details (e.g. `le` label values normalised to floats):
// the generated promtool unit tests must pass on it as they do on the distribution's 2.42.
describe("promtool (Prometheus 3) test rules on the generated unit tests", () => {
  const testFiles = findFiles(join(repoRoot, "alerts"), (path) => /\/tests\/[^/]+\.test\.yaml$/.test(path));

  it("finds the generated unit tests of both profiles", () => {
    expect(testFiles.some((p) => p.includes("/prom-client/"))).toBe(true);
    expect(testFiles.some((p) => p.includes("/otel/"))).toBe(true);
  });

  // The SLO detection tests (slo.pages/slo.tickets.test.yaml) replay hours and days of samples: seconds of promtool each.
  it.each(testFiles.map((path) => [shown(path), path]))("passes %s", async (_name, path) => {
    const run = await runPeer("promtool", ["test", "rules", basename(path)], { cwd: dirname(path), timeoutMs: 180_000 });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS/);
  }, 180_000);
});
