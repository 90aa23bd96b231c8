// `npm run peers`: build the real peer tools used by `npm run test:peers` from pinned
// Go module versions, cache them under ${XDG_CACHE_HOME:-~/.cache}/mcp-observability/peers/
// and write peers.json there (read back by scripts/peers-manifest.ts).
//
// Each peer is independent: one that fails is reported with its module, version and first
// error, and the others still install. A second run finds every binary in the cache.
// `npm run peers -- --only cortex,thanos` (or `--except …`) builds a subset; the manifest keeps
// the other peers' entries as they were. .ci/run builds the two long Go builds in a step of
// their own, so a cold run can leave them out within its time budget.
import { execa } from "execa";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type PeerEntry, type PeerName, type Peers, PEER_NAMES, peersCacheRoot, peersManifestPath } from "../src/stack-runtime/peers-manifest.js";

/** A peer built with `go install module/pkg@version` (its go.mod has no replace directives). */
interface GoInstallPeer {
  kind: "go-install";
  name: PeerName;
  /** Upstream release the module version corresponds to, as the tool itself reports it. */
  version: string;
  module: string;
  moduleVersion: string;
  /** Package path inside the module that holds `main`. */
  pkg: string;
  ldflags: string[];
  /** Build tags the upstream release build sets (e.g. `slicelabels`, which Cortex and Thanos need). */
  tags?: string[];
}

/** A peer that this project's machines cannot obtain; kept in the plan so the table and manifest say why. */
interface UnavailablePeer {
  kind: "unavailable";
  name: PeerName;
  module: string;
  reason: string;
}

/**
 * A peer built inside its own downloaded module (`go mod download`, then `go build` there), for
 * modules whose go.mod has replace directives: `go install pkg@version` refuses those.
 */
interface GoModuleBuildPeer extends Omit<GoInstallPeer, "kind"> {
  kind: "go-build-module";
  /**
   * Go toolchain the module's go.mod needs when it is newer than the machine's Go: the go command
   * fetches exactly this approved version from the module proxy (GOTOOLCHAIN=<version>).
   */
  toolchain?: string;
}

type BuiltPeer = GoInstallPeer | GoModuleBuildPeer;

/** A Python tool from PyPI, installed with pip into its own virtual environment (python3 -m venv). */
interface PipVenvPeer {
  kind: "pip-venv";
  name: PeerName;
  /** Exact versions; the first package provides the executable. */
  packages: readonly { name: string; version: string }[];
  /** Executable in the venv's bin/. */
  executable: string;
}

/**
 * A Node library from npm, installed with `npm install --prefix` into a directory of its own. Its
 * manifest `bin` is the first package's entry file: a test loads it (and the packages beside it,
 * through createRequire) from there.
 */
interface NpmPrefixPeer {
  kind: "npm-prefix";
  name: PeerName;
  /** Exact versions; the first package is the one the peer is named for. */
  packages: readonly { name: string; version: string }[];
  /** The first package's entry file, relative to its package directory. */
  entry: string;
}

type PackagePeer = PipVenvPeer | NpmPrefixPeer;

type PeerPlan = BuiltPeer | PackagePeer | UnavailablePeer;

// Prometheus 3.x is published on the Go module proxy as v0.3XX.Y (3.16.0 -> v0.316.0),
// because the repository's go.mod has no /v3 suffix. v0.316.0 declares `go 1.26.7`, so it
// builds with the machine's Go 1.26.8 without fetching a toolchain.
const PROMETHEUS_MODULE = "github.com/prometheus/prometheus";
const PROMETHEUS_MODULE_VERSION = "v0.316.0";
const PROMETHEUS_VERSION = "3.16.0";
// `version.Version` is normally injected by promu; without it `--version` prints an empty version.
// -s -w drop the symbol table and DWARF: about a third of the size, and nobody debugs these binaries.
const PROMETHEUS_LDFLAGS = ["-s", "-w", `-X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}`];

// Why three peers of issue #6 are not built here. Both facts were checked on 2026-11-30:
// - the Go module proxy answers 403 "This module version is not available" for every version
//   of github.com/grafana/grafana (incl. pseudo-versions and @main) and github.com/grafana/dashboard-linter;
// - the workplace package policy lists Grafana (and Loki, Tempo) as not-to-use because they are
//   AGPL-3.0; mimirtool lives in github.com/grafana/mimir, which is AGPL-3.0 as well.
// A machine that has these tools from elsewhere can use them via MCP_OBS_PEER_<NAME>_BIN.
const AGPL_POLICY = "AGPL-3.0 licensed: this machine's Go package list marks it not-to-use (AGPL)";
// Traces and logs peers (issue #8), Apache-2.0 both; Tempo and Loki are AGPL-3.0 (see above).
// Jaeger v1.76.0 is the module version of Jaeger v2.13.0 (one tag pair per release); its go.mod
// replaces sarama, hence the in-module build.
const JAEGER_VERSION = "2.13.0";
const VICTORIALOGS_VERSION = "1.52.1";
// Past one Prometheus (issue #21), Apache-2.0 both (Mimir is AGPL-3.0, see above). Their go.mod files
// have replace directives (hence the in-module build), and their release builds set the
// `slicelabels` tag: without it Prometheus's labels are one packed string, and Cortex's ruler API
// panics ("growslice: len out of range") when it logs a rule group that has labels.
const CORTEX_VERSION = "1.21.1";
const THANOS_VERSION = "0.42.5";
// Thanos v0.42.5 declares `go 1.26.10`, newer than the machine's Go; go1.27.3 is the approved toolchain.
const THANOS_TOOLCHAIN = "go1.27.3";
const RELEASE_TAGS = ["netgo", "slicelabels"];
// A third-party MCP server exporting the OpenTelemetry MCP metrics (otel-go semconv mcpconv, Go
// Prometheus exporter), Apache-2.0; v1.6.3 declares go 1.26.5 and has no replace directives.
const MCP_GRAFANA_VERSION = "1.6.3";
// A second rule engine (issue #20), Apache-2.0: the same rule files and promtool tests must hold on
// vmalert. The three apps are one module version; each is its own binary.
const VICTORIAMETRICS_VERSION = "1.151.0";
const victoriaMetricsApp = (name: "victoria-metrics" | "vmalert" | "vmalert-tool"): GoInstallPeer => ({
  kind: "go-install",
  name,
  version: VICTORIAMETRICS_VERSION,
  module: "github.com/VictoriaMetrics/VictoriaMetrics",
  moduleVersion: `v${VICTORIAMETRICS_VERSION}`,
  pkg: `app/${name}`,
  ldflags: ["-s", "-w", `-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=${name}-v${VICTORIAMETRICS_VERSION}`],
});
const PEER_PLANS: readonly PeerPlan[] = [
  {
    kind: "unavailable",
    name: "grafana",
    module: "github.com/grafana/grafana",
    reason: `${AGPL_POLICY}; the Go module proxy also refuses it (403 "This module version is not available")`,
  },
  {
    kind: "go-install",
    name: "prometheus",
    version: PROMETHEUS_VERSION,
    module: PROMETHEUS_MODULE,
    moduleVersion: PROMETHEUS_MODULE_VERSION,
    // Built without -tags builtinassets: the web UI is then read from disk (absent), the HTTP API works.
    pkg: "cmd/prometheus",
    ldflags: PROMETHEUS_LDFLAGS,
  },
  {
    kind: "go-install",
    name: "promtool",
    version: PROMETHEUS_VERSION,
    module: PROMETHEUS_MODULE,
    moduleVersion: PROMETHEUS_MODULE_VERSION,
    pkg: "cmd/promtool",
    ldflags: PROMETHEUS_LDFLAGS,
  },
  {
    kind: "unavailable",
    name: "dashboard-linter",
    module: "github.com/grafana/dashboard-linter",
    reason: 'the Go module proxy lists no version and refuses the ones asked for (403 "This module version is not available")',
  },
  {
    kind: "unavailable",
    name: "mimirtool",
    module: "github.com/grafana/mimir",
    reason: AGPL_POLICY,
  },
  {
    kind: "go-build-module",
    name: "jaeger",
    version: JAEGER_VERSION,
    module: "github.com/jaegertracing/jaeger",
    moduleVersion: "v1.76.0",
    pkg: "cmd/jaeger",
    ldflags: ["-s", "-w", `-X github.com/jaegertracing/jaeger/internal/version.latestVersion=v${JAEGER_VERSION}`],
  },
  {
    kind: "go-install",
    name: "victoria-logs",
    version: VICTORIALOGS_VERSION,
    module: "github.com/VictoriaMetrics/VictoriaLogs",
    moduleVersion: `v${VICTORIALOGS_VERSION}`,
    pkg: "app/victoria-logs",
    ldflags: ["-s", "-w", `-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-v${VICTORIALOGS_VERSION}`],
  },
  // Third-party MCP servers for the wrap and proxy tests (issue #23). The Go SDK's "everything"
  // example serves stdio, or Streamable HTTP with -http ADDR; both protocol eras on stdio.
  {
    kind: "go-install",
    name: "go-sdk-everything",
    version: "1.8.0",
    module: "github.com/modelcontextprotocol/go-sdk",
    moduleVersion: "v1.8.0",
    pkg: "examples/server/everything",
    ldflags: ["-s", "-w"],
  },
  // The reference Python time server (stdio only; the Python SDK 2.x, both eras) ...
  {
    kind: "pip-venv",
    name: "mcp-server-time",
    packages: [{ name: "mcp-server-time", version: "2026.10.19" }],
    executable: "mcp-server-time",
  },
  // ... and mcp-proxy, a Python server (SDK 1.x) that serves a stdio server over Streamable HTTP.
  {
    kind: "pip-venv",
    name: "mcp-proxy",
    packages: [{ name: "mcp-proxy", version: "0.13.0" }],
    executable: "mcp-proxy",
  },
  {
    kind: "go-install",
    name: "mcp-grafana",
    version: MCP_GRAFANA_VERSION,
    module: "github.com/grafana/mcp-grafana",
    moduleVersion: `v${MCP_GRAFANA_VERSION}`,
    pkg: "cmd/mcp-grafana",
    ldflags: ["-s", "-w"],
  },
  // A third-party Node instrumentation that exports the OpenTelemetry MCP metrics (over OTLP only),
  // MIT, with the MCP SDK 1.x it wraps (its peer dependency) and the zod 3 its README's server uses.
  {
    kind: "npm-prefix",
    name: "shinzo-instrumentation-mcp",
    packages: [
      { name: "@shinzolabs/instrumentation-mcp", version: "1.1.0" },
      { name: "@modelcontextprotocol/sdk", version: "1.32.2" },
      { name: "zod", version: "3.25.76" },
    ],
    entry: "dist/index.js",
  },
  // A published Node MCP server (MIT) on @modelcontextprotocol/server 2.0.0, serving both protocol eras
  // statelessly over HTTP, with its own semconv instrumentation and the OTel JS Prometheus exporter;
  // its entry file is the `context7-mcp` executable, run with node.
  {
    kind: "npm-prefix",
    name: "context7-mcp",
    packages: [{ name: "@upstash/context7-mcp", version: "4.1.1" }],
    entry: "dist/index.js",
  },
  {
    kind: "go-build-module",
    name: "cortex",
    version: CORTEX_VERSION,
    module: "github.com/cortexproject/cortex",
    moduleVersion: `v${CORTEX_VERSION}`,
    pkg: "cmd/cortex",
    ldflags: ["-s", "-w", `-X main.Version=${CORTEX_VERSION}`],
    tags: RELEASE_TAGS,
  },
  {
    kind: "go-build-module",
    name: "thanos",
    version: THANOS_VERSION,
    module: "github.com/thanos-io/thanos",
    moduleVersion: `v${THANOS_VERSION}`,
    pkg: "cmd/thanos",
    ldflags: ["-s", "-w", `-X github.com/prometheus/common/version.Version=${THANOS_VERSION}`],
    tags: RELEASE_TAGS,
    toolchain: THANOS_TOOLCHAIN,
  },
  victoriaMetricsApp("victoria-metrics"),
  victoriaMetricsApp("vmalert"),
  victoriaMetricsApp("vmalert-tool"),
];

type Status = "built" | "cached" | "failed" | "unavailable";

interface PeerResult {
  name: PeerName;
  version: string;
  status: Status;
  bin?: string;
  sizeBytes?: number;
  buildSeconds?: number;
  detail?: string;
}

const HEARTBEAT_MS = 30_000;

function log(peer: string, message: string): void {
  console.log(`[peers] ${peer.padEnd(16)} ${message}`);
}

function secondsSince(startMs: number): number {
  return (Date.now() - startMs) / 1000;
}

/** Cache directory of one peer; the version in its name makes a version bump a cache miss. */
function peerDir(plan: BuiltPeer): string {
  return join(peersCacheRoot(), `${plan.name}-${plan.version}`);
}

/** Where a package peer's executable (pip) or entry file (npm) lands inside its directory. */
function packagePeerBin(plan: PackagePeer, dir: string): string {
  return plan.kind === "pip-venv" ? join(dir, "venv", "bin", plan.executable) : join(dir, "node_modules", plan.packages[0]!.name, plan.entry);
}

async function installPackages(plan: PackagePeer, dir: string, wanted: readonly string[]): Promise<void> {
  if (plan.kind === "npm-prefix") {
    await execa("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", ...wanted], { stdin: "ignore" });
    return;
  }
  await execa("python3", ["-m", "venv", join(dir, "venv")], { stdin: "ignore" });
  await execa(join(dir, "venv", "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", ...wanted], { stdin: "ignore" });
}

/** A directory per peer and version (a venv, or an npm prefix) with pinned versions, the stamp written last. */
async function installPackagePeer(plan: PackagePeer): Promise<PeerResult> {
  const version = plan.packages[0]!.version;
  const dir = join(peersCacheRoot(), `${plan.name}-${version}`);
  const bin = packagePeerBin(plan, dir);
  const base = { name: plan.name, version };
  const wanted = plan.packages.map((p) => (plan.kind === "pip-venv" ? `${p.name}==${p.version}` : `${p.name}@${p.version}`));
  const stamp = join(dir, "install.json");
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, "utf8").includes(JSON.stringify(wanted))) {
    log(plan.name, `cache hit ${bin}`);
    return { ...base, status: "cached", bin };
  }
  log(plan.name, `installing ${wanted.join(" ")} ${plan.kind === "pip-venv" ? "into a venv" : "with npm --prefix"} ...`);
  const start = Date.now();
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await installPackages(plan, dir, wanted);
    const installSeconds = secondsSince(start);
    writeFileSync(stamp, `${JSON.stringify({ packages: wanted, installSeconds })}\n`);
    log(plan.name, `installed in ${installSeconds.toFixed(1)}s -> ${bin}`);
    return { ...base, status: "built", bin, buildSeconds: installSeconds };
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const cause = typeof stderr === "string" && stderr ? stderr.trim().split("\n").at(-1)! : (error as Error).message;
    log(plan.name, `FAILED: ${wanted.join(" ")}: ${cause}`);
    return { ...base, status: "failed", buildSeconds: secondsSince(start), detail: `${wanted.join(" ")}: ${cause}` };
  }
}

/** Stamp written after a successful build; a binary without it is a half-finished build. */
interface BuildStamp {
  module: string;
  moduleVersion: string;
  pkg: string;
  ldflags: string[];
  tags?: string[];
  buildSeconds: number;
}

function stampPath(dir: string): string {
  return join(dir, "build.json");
}

function readStamp(dir: string): BuildStamp | undefined {
  try {
    return JSON.parse(readFileSync(stampPath(dir), "utf8")) as BuildStamp;
  } catch {
    return undefined;
  }
}

function isCached(plan: BuiltPeer, bin: string): boolean {
  const stamp = readStamp(peerDir(plan));
  return (
    existsSync(bin) &&
    stamp !== undefined &&
    stamp.moduleVersion === plan.moduleVersion &&
    stamp.pkg === plan.pkg &&
    stamp.ldflags.join(" ") === plan.ldflags.join(" ") &&
    (stamp.tags ?? []).join(",") === (plan.tags ?? []).join(",")
  );
}

/** First line of Go's stderr that carries the cause (skips "go: downloading ..." chatter). */
function firstError(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim()).filter(Boolean);
  const meaningful = lines.find((line) => !line.startsWith("go: downloading") && !line.startsWith("go: finding"));
  return meaningful ?? lines[0] ?? "(no output)";
}

// Never switch toolchains behind our back: the pinned version must build with the machine's Go,
// unless its plan names the one toolchain it needs (Thanos).
const GO_ENV = { GOTOOLCHAIN: "local", CGO_ENABLED: "0" };

/** Flags shared by `go install` and `go build`. */
function buildFlags(plan: BuiltPeer): string[] {
  return ["-trimpath", ...(plan.tags ? [`-tags=${plan.tags.join(",")}`] : []), `-ldflags=${plan.ldflags.join(" ")}`];
}

async function goInstall(plan: GoInstallPeer, gobin: string): Promise<void> {
  const target = `${plan.module}/${plan.pkg}@${plan.moduleVersion}`;
  await execa("go", ["install", ...buildFlags(plan), target], {
    env: { ...GO_ENV, GOBIN: gobin },
    stdin: "ignore",
  });
}

/** Builds in the module's own (read-only) download directory, so its go.mod and go.sum apply as released. */
async function goBuildInModule(plan: GoModuleBuildPeer, outDir: string): Promise<void> {
  const env = { ...GO_ENV, ...(plan.toolchain ? { GOTOOLCHAIN: plan.toolchain } : {}) };
  const { stdout } = await execa("go", ["mod", "download", "-json", `${plan.module}@${plan.moduleVersion}`], { env, stdin: "ignore" });
  const { Dir: moduleDir } = JSON.parse(stdout) as { Dir: string };
  await execa("go", ["build", ...buildFlags(plan), "-o", join(outDir, plan.name), `./${plan.pkg}`], {
    cwd: moduleDir,
    env,
    stdin: "ignore",
  });
}

async function buildGoPeer(plan: BuiltPeer): Promise<PeerResult> {
  const dir = peerDir(plan);
  const bin = join(dir, "bin", plan.name);
  const base = { name: plan.name, version: plan.version };
  if (isCached(plan, bin)) {
    log(plan.name, `cache hit ${bin}`);
    return { ...base, status: "cached", bin, sizeBytes: statSync(bin).size, buildSeconds: readStamp(dir)?.buildSeconds };
  }

  const target = `${plan.module}/${plan.pkg}@${plan.moduleVersion}`;
  log(plan.name, `building ${target} (${plan.kind === "go-install" ? "go install" : "go build in the module"}, CGO_ENABLED=0) ...`);
  const start = Date.now();
  const heartbeat = setInterval(() => log(plan.name, `still building (${secondsSince(start).toFixed(0)}s)`), HEARTBEAT_MS);
  // Install into a per-process staging dir and rename, so a concurrent or interrupted run
  // never leaves a half-written binary at the path the manifest points to.
  const staging = join(dir, `staging-${process.pid}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    if (plan.kind === "go-install") await goInstall(plan, staging);
    else await goBuildInModule(plan, staging);
    mkdirSync(join(dir, "bin"), { recursive: true });
    // go install names the binary after the package directory (cmd/prometheus -> prometheus).
    renameSync(join(staging, plan.kind === "go-install" ? basename(plan.pkg) : plan.name), bin);
    const buildSeconds = secondsSince(start);
    const stamp: BuildStamp = { module: plan.module, moduleVersion: plan.moduleVersion, pkg: plan.pkg, ldflags: plan.ldflags,
      ...(plan.tags ? { tags: plan.tags } : {}), buildSeconds };
    writeFileSync(stampPath(dir), `${JSON.stringify(stamp, null, 2)}\n`);
    log(plan.name, `built in ${buildSeconds.toFixed(1)}s -> ${bin}`);
    return { ...base, status: "built", bin, sizeBytes: statSync(bin).size, buildSeconds };
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const cause = typeof stderr === "string" && stderr ? firstError(stderr) : (error as Error).message;
    log(plan.name, `FAILED after ${secondsSince(start).toFixed(1)}s: ${plan.module}@${plan.moduleVersion}: ${cause}`);
    return { ...base, status: "failed", buildSeconds: secondsSince(start), detail: `${plan.module}@${plan.moduleVersion}: ${cause}` };
  } finally {
    clearInterval(heartbeat);
    rmSync(staging, { recursive: true, force: true });
  }
}

function reportUnavailable(plan: UnavailablePeer): PeerResult {
  log(plan.name, `not built: ${plan.module}: ${plan.reason}`);
  return { name: plan.name, version: "-", status: "unavailable", detail: `${plan.module}: ${plan.reason}` };
}

function manifestEntry(result: PeerResult): PeerEntry {
  if (result.bin) return { version: result.version, bin: result.bin };
  const reason = result.detail ?? result.status;
  if (result.status === "unavailable") return { refused: reason };
  return { ...(result.version !== "-" ? { version: result.version } : {}), unavailable: reason };
}

/** The manifest as last written (without the MCP_OBS_PEER_* overrides readPeers applies). */
function storedManifest(path: string): Partial<Peers> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Partial<Peers>;
  } catch {
    return {};
  }
}

function writeManifest(results: readonly PeerResult[]): string {
  const path = peersManifestPath();
  const stored = storedManifest(path);
  // Entries of peers another checkout knows (a branch with more peers) are kept as well.
  const manifest = { ...stored } as Peers;
  for (const name of PEER_NAMES) {
    const result = results.find((r) => r.name === name);
    manifest[name] = result ? manifestEntry(result) : stored[name] ?? {};
  }
  mkdirSync(peersCacheRoot(), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

function formatMiB(bytes: number | undefined): string {
  return bytes === undefined ? "-" : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function printTable(results: readonly PeerResult[]): void {
  const header = ["peer", "version", "status", "size", "build s", "binary"];
  const rows = results.map((r) => [
    r.name,
    r.version,
    r.status,
    formatMiB(r.sizeBytes),
    r.buildSeconds === undefined ? "-" : r.buildSeconds.toFixed(1),
    r.bin ?? "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  console.log("");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  // Reasons are long sentences; printed under the table so its columns stay readable.
  for (const r of results.filter((r) => r.detail)) console.log(`  ${r.name} ${r.status}: ${r.detail}`);
}

/** The plans `--only a,b` or `--except a,b` select (all without either); unknown names are a usage error. */
function selectedPlans(args: readonly string[]): readonly PeerPlan[] {
  if (args.length === 0) return PEER_PLANS;
  const [flag, list] = args;
  const names = (list ?? "").split(",").filter(Boolean);
  const unknown = names.filter((n) => !PEER_NAMES.includes(n as PeerName));
  if ((flag !== "--only" && flag !== "--except") || names.length === 0 || unknown.length > 0 || args.length > 2) {
    console.error(`usage: npm run peers [-- --only|--except NAME[,NAME…]]${unknown.length ? `\nunknown peer: ${unknown.join(", ")}` : ""}\npeers: ${PEER_NAMES.join(", ")}`);
    process.exit(2);
  }
  return PEER_PLANS.filter((plan) => names.includes(plan.name) === (flag === "--only"));
}

async function main(): Promise<void> {
  const start = Date.now();
  const results: PeerResult[] = [];
  for (const plan of selectedPlans(process.argv.slice(2))) {
    // Sequential on purpose: the machine has 2 cores and `go build` already uses both.
    if (plan.kind === "unavailable") results.push(reportUnavailable(plan));
    else if (plan.kind === "pip-venv" || plan.kind === "npm-prefix") results.push(await installPackagePeer(plan));
    else results.push(await buildGoPeer(plan));
  }
  printTable(results);
  const manifestPath = writeManifest(results);
  console.log(`\n[peers] manifest ${manifestPath} (total ${secondsSince(start).toFixed(1)}s)`);
  // Unavailable peers are a known property of this machine, not a failure of this run.
  if (results.some((r) => r.status === "failed")) process.exitCode = 1;
}

await main();
