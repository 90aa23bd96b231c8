// Start a real Grafana on 127.0.0.1 with provisioning, import every dashboard through the
// HTTP API, read it back, and stop exactly the process this test started.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFiles, fixturesDir, generatedDashboards, shown } from "./support/files.js";
import { grafanaHome, peerBin, refusedHere } from "./support/peers.js";
import { freePort, type RunningPeer, startPeer, stopPeer, waitForHttp } from "./support/process.js";

const ADMIN = { user: "admin", password: "admin" };
const DATASOURCE_UID = "prometheus";
const PROVISIONED_FOLDER = "MCP provisioned";
// Grafana's uid column holds at most 40 characters.
const MAX_UID_LENGTH = 40;

interface DashboardFile {
  path: string;
  json: { uid?: string; title: string; panels?: unknown[] } & Record<string, unknown>;
  /** uid under which the file provider provisions it. */
  provisionedUid: string;
}

function readDashboard(path: string): DashboardFile {
  const json = JSON.parse(readFileSync(path, "utf8")) as DashboardFile["json"];
  const provisionedUid = (json.uid ?? basename(path, ".json")).slice(0, MAX_UID_LENGTH);
  return { path, json: { ...json, uid: provisionedUid }, provisionedUid };
}

const dashboards = [...findFiles(join(fixturesDir, "dashboards"), (path) => path.endsWith(".json")), ...generatedDashboards()].map(readDashboard);

function authHeaders(): Record<string, string> {
  return {
    Authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}`,
    "Content-Type": "application/json",
    Accept: "application/json",
  };
}

/** Provisioning folder: one Prometheus datasource (uid "prometheus") and a file dashboard provider. */
function writeProvisioning(root: string, prometheusUrl: string, dashboardsDir: string): void {
  mkdirSync(join(root, "datasources"), { recursive: true });
  mkdirSync(join(root, "dashboards"), { recursive: true });
  // Grafana reads YAML; JSON is valid YAML and needs no serializer.
  const datasources = {
    apiVersion: 1,
    datasources: [{ name: "Prometheus", type: "prometheus", uid: DATASOURCE_UID, access: "proxy", url: prometheusUrl, isDefault: true }],
  };
  writeFileSync(join(root, "datasources", "prometheus.yaml"), JSON.stringify(datasources));
  const providers = {
    apiVersion: 1,
    providers: [{ name: "mcp-files", type: "file", folder: PROVISIONED_FOLDER, disableDeletion: true, options: { path: dashboardsDir } }],
  };
  writeFileSync(join(root, "dashboards", "files.yaml"), JSON.stringify(providers));
}

/** Settings as GF_* variables: loopback only, throwaway paths, nothing that calls the internet. */
function grafanaEnv(workDir: string, port: number): Record<string, string> {
  return {
    GF_SERVER_HTTP_ADDR: "127.0.0.1",
    GF_SERVER_HTTP_PORT: String(port),
    GF_PATHS_DATA: join(workDir, "data"),
    GF_PATHS_LOGS: join(workDir, "logs"),
    GF_PATHS_PLUGINS: join(workDir, "plugins"),
    GF_PATHS_PROVISIONING: join(workDir, "provisioning"),
    GF_SECURITY_ADMIN_USER: ADMIN.user,
    GF_SECURITY_ADMIN_PASSWORD: ADMIN.password,
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
    GF_PLUGINS_PREINSTALL_DISABLED: "true",
    GF_NEWS_NEWS_FEED_ENABLED: "false",
    GF_LOG_MODE: "console",
    GF_LOG_LEVEL: "warn",
  };
}

// Skipped only where `npm run peers` recorded that the registry refuses Grafana (see refusedHere).
describe.skipIf(refusedHere("grafana"))("Grafana server with provisioning and the dashboard API", () => {
  let workDir = "";
  let baseUrl = "";
  let prometheusUrl = "";
  let grafana: RunningPeer | undefined;

  beforeAll(async () => {
    const bin = peerBin("grafana");
    const homepath = grafanaHome();
    workDir = mkdtempSync(join(tmpdir(), "mcp-obs-grafana-"));
    const dashboardsDir = join(workDir, "dashboards");
    mkdirSync(dashboardsDir);
    for (const dashboard of dashboards) {
      // Written back with the uid the assertions expect, even when the source file has none.
      writeFileSync(join(dashboardsDir, `${dashboard.provisionedUid}.json`), JSON.stringify(dashboard.json));
    }
    // Nothing listens there: provisioning only stores the URL, and no test queries the datasource.
    prometheusUrl = `http://127.0.0.1:${await freePort()}`;
    writeProvisioning(join(workDir, "provisioning"), prometheusUrl, dashboardsDir);

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    grafana = startPeer(bin, ["server", `--homepath=${homepath}`], grafanaEnv(workDir, port));
    await waitForHttp(grafana, `${baseUrl}/api/health`, {
      timeoutMs: 90_000,
      intervalMs: 500,
      ready: async (response) => response.status === 200 && ((await response.json()) as { database?: string }).database === "ok",
    });
  }, 120_000);

  afterAll(async () => {
    if (grafana) await stopPeer(grafana);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("provisions the Prometheus datasource with uid 'prometheus'", async () => {
    const response = await fetch(`${baseUrl}/api/datasources/uid/${DATASOURCE_UID}`, { headers: authHeaders() });
    expect(response.status).toBe(200);
    const datasource = (await response.json()) as { type: string; url: string };
    expect(datasource).toMatchObject({ type: "prometheus", url: prometheusUrl });
  });

  it.each(dashboards.map((d) => [shown(d.path), d]))("provisions %s from the file provider", async (_name, dashboard) => {
    const response = await fetch(`${baseUrl}/api/dashboards/uid/${dashboard.provisionedUid}`, { headers: authHeaders() });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { dashboard: { title: string }; meta: { provisioned: boolean; folderTitle: string } };
    expect(body.dashboard.title).toBe(dashboard.json.title);
    expect(body.meta).toMatchObject({ provisioned: true, folderTitle: PROVISIONED_FOLDER });
  });

  it.each(dashboards.map((d) => [shown(d.path), d]))("imports %s through POST /api/dashboards/db and reads it back", async (_name, dashboard) => {
    // A provisioned dashboard cannot be overwritten through the API, so import a copy under its own uid.
    const uid = `api-${dashboard.provisionedUid}`.slice(0, MAX_UID_LENGTH);
    const title = `${dashboard.json.title} (API import)`;
    const post = await fetch(`${baseUrl}/api/dashboards/db`, {
      method: "POST",
      headers: authHeaders(),
      body: JSON.stringify({ dashboard: { ...dashboard.json, id: null, uid, title }, overwrite: true, message: "peer test import" }),
    });
    const posted = (await post.json()) as { status?: string; uid?: string; message?: string };
    expect(post.status, JSON.stringify(posted)).toBe(200);
    expect(posted).toMatchObject({ status: "success", uid });

    const get = await fetch(`${baseUrl}/api/dashboards/uid/${uid}`, { headers: authHeaders() });
    expect(get.status).toBe(200);
    const stored = (await get.json()) as { dashboard: { title: string; panels?: unknown[] } };
    expect(stored.dashboard.title).toBe(title);
    expect(stored.dashboard.panels?.length ?? 0).toBe(dashboard.json.panels?.length ?? 0);
  });
});
