// Grafana HTTP API calls the publisher needs, legacy /api first and the Kubernetes-style
// /apis/dashboard.grafana.app only for dashboards the legacy API refuses (406: stored as schema v2).
import { failureFor, PublishFailure, type Operation } from './failure.js';
import type { HttpClient, HttpResponse } from './http.js';

export type DashboardJson = Record<string, unknown> & { uid: string; title: string };

/** A dashboard as the server holds it. */
export interface StoredDashboard {
  /** v1 dashboard JSON (legacy API) or the resource spec (/apis), which is v2 when `schemaV2`. */
  dashboard: Record<string, unknown>;
  /** '' for the root (General) level. */
  folderUid: string;
  provisioned: boolean;
  /** Present when the legacy API refused it and it was read through /apis. */
  apis?: { resourceVersion?: string; namespace: string; schemaV2: boolean };
}

export interface SearchHit {
  uid: string;
  title: string;
  tags: string[];
  folderUid?: string;
}

const DASHBOARD_GROUP = 'dashboard.grafana.app';
/** Versions of the dashboard group that carry the classic (v1) JSON as spec, newest first. */
const V1_SCHEMA_VERSIONS = ['v1', 'v1beta1', 'v0alpha1'];
const SEARCH_PAGE_SIZE = 5000;
const MAX_SEARCH_PAGES = 20;

export class GrafanaClient {
  private dashboardApiVersion?: string;

  constructor(
    private readonly http: HttpClient,
    private readonly settings: { orgId?: number; credentials: string },
  ) {}

  private op(what: string, permission: string, notFound?: string): Operation {
    return { what, permission, notFound, credentials: this.settings.credentials };
  }

  private fail(res: HttpResponse, op: Operation): never {
    throw failureFor(res, op, this.http.redactor);
  }

  private parse<T>(res: HttpResponse, op: Operation): T {
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new PublishFailure(this.http.redactor.redact(`${op.what}: the server answered ${res.status} with something that is not JSON — is the URL a Grafana?`));
    }
  }

  /** The namespace /apis uses for the org: default for org 1, org-<id> otherwise. */
  private get namespace(): string {
    const org = this.settings.orgId ?? 1;
    return org === 1 ? 'default' : `org-${org}`;
  }

  async health(): Promise<{ version: string }> {
    const op = this.op('read /api/health', 'nothing (the endpoint is public)', 'Is GRAFANA_URL the address of a Grafana server (with its sub-path, if any)?');
    const res = await this.http.request('GET', '/api/health');
    if (res.status !== 200) this.fail(res, op);
    const body = this.parse<{ version?: string }>(res, op);
    return { version: body.version ?? 'unknown' };
  }

  async getFolder(uid: string): Promise<{ uid: string; title: string } | undefined> {
    const op = this.op(`read folder ${uid}`, 'folders:read (Viewer role)');
    const res = await this.http.request('GET', `/api/folders/${encodeURIComponent(uid)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) this.fail(res, op);
    return this.parse(res, op);
  }

  async createFolder(uid: string, title: string): Promise<void> {
    const op = this.op(`create folder ${uid}`, 'folders:create (Editor role, or Admin where editors cannot create folders)');
    const res = await this.http.request('POST', '/api/folders', { body: { uid, title } });
    // 409/412: it already exists (e.g. a retried request succeeded the first time): what we wanted.
    if (res.status === 200 || res.status === 409 || res.status === 412) return;
    this.fail(res, op);
  }

  async getDashboard(uid: string): Promise<StoredDashboard | undefined> {
    const op = this.op(`read dashboard ${uid}`, 'dashboards:read on the dashboard (Viewer role)');
    const res = await this.http.request('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`);
    if (res.status === 404) return undefined;
    if (res.status === 406) return this.getDashboardViaApis(uid, res);
    if (res.status !== 200) this.fail(res, op);
    const body = this.parse<{ dashboard: Record<string, unknown>; meta?: { folderUid?: string; provisioned?: boolean } }>(res, op);
    return { dashboard: body.dashboard, folderUid: body.meta?.folderUid ?? '', provisioned: body.meta?.provisioned ?? false };
  }

  /** The legacy API names the /apis path to use in its 406 message; fall back to our namespace and the preferred v2 path. */
  private async getDashboardViaApis(uid: string, refusal: HttpResponse): Promise<StoredDashboard> {
    const op = this.op(`read dashboard ${uid} through /apis`, 'dashboards:read on the dashboard (Viewer role)');
    const named = /\/apis\/dashboard\.grafana\.app\/([^/\s]+)\/namespaces\/([^/\s]+)\/dashboards\//.exec(refusal.text);
    const version = named?.[1] ?? (await this.v1ApiVersion());
    const namespace = named?.[2] ?? this.namespace;
    const res = await this.http.request('GET', `/apis/${DASHBOARD_GROUP}/${version}/namespaces/${namespace}/dashboards/${encodeURIComponent(uid)}`);
    if (res.status !== 200) this.fail(res, op);
    const body = this.parse<{ metadata: { resourceVersion?: string; annotations?: Record<string, string> }; spec: Record<string, unknown> }>(res, op);
    return {
      dashboard: body.spec,
      folderUid: body.metadata.annotations?.['grafana.app/folder'] ?? '',
      provisioned: false,
      apis: { resourceVersion: body.metadata.resourceVersion, namespace, schemaV2: version.startsWith('v2') },
    };
  }

  /** Feature detection: which version of the dashboard API group takes v1 JSON on this server. */
  private async v1ApiVersion(): Promise<string> {
    if (this.dashboardApiVersion) return this.dashboardApiVersion;
    const op = this.op(`discover /apis/${DASHBOARD_GROUP}`, 'dashboards:read (Viewer role)', 'This Grafana does not serve the /apis dashboard API (Grafana 12 or later does).');
    const res = await this.http.request('GET', `/apis/${DASHBOARD_GROUP}`);
    if (res.status !== 200) this.fail(res, op);
    const group = this.parse<{ versions?: { version: string }[] }>(res, op);
    const served = new Set((group.versions ?? []).map((v) => v.version));
    const version = V1_SCHEMA_VERSIONS.find((v) => served.has(v));
    if (!version) throw new PublishFailure(`${op.what}: no version taking v1 dashboard JSON is served (found: ${[...served].join(', ') || 'none'}).`);
    this.dashboardApiVersion = version;
    return version;
  }

  /** Creates or replaces a dashboard; through /apis when the server holds it as schema v2 or the legacy API refuses. */
  async saveDashboard(dashboard: DashboardJson, folderUid: string, message: string, existing?: StoredDashboard): Promise<void> {
    const op = this.op(`save dashboard ${dashboard.uid}`,
      `dashboards:create and dashboards:write on folder ${folderUid} (Editor role, or Edit permission on the folder)`,
      `Folder ${folderUid} does not exist or is not visible to these credentials.`);
    if (existing?.apis) return this.saveDashboardViaApis(dashboard, folderUid, message, existing, op);
    const { id: _id, version: _version, ...body } = dashboard;
    const res = await this.http.request('POST', '/api/dashboards/db', {
      body: { dashboard: { ...body, id: null }, folderUid, message, overwrite: true },
    });
    if (res.status === 406) return this.saveDashboardViaApis(dashboard, folderUid, message, existing, op);
    if (res.status !== 200) this.fail(res, op);
  }

  private async saveDashboardViaApis(dashboard: DashboardJson, folderUid: string, message: string, existing: StoredDashboard | undefined, op: Operation): Promise<void> {
    const version = await this.v1ApiVersion();
    const namespace = existing?.apis?.namespace ?? this.namespace;
    const { id: _id, version: _version, ...spec } = dashboard;
    const collection = `/apis/${DASHBOARD_GROUP}/${version}/namespaces/${namespace}/dashboards`;
    const resource = {
      apiVersion: `${DASHBOARD_GROUP}/${version}`,
      kind: 'Dashboard',
      metadata: {
        name: dashboard.uid,
        annotations: { 'grafana.app/folder': folderUid, 'grafana.app/message': message },
        ...(existing?.apis?.resourceVersion ? { resourceVersion: existing.apis.resourceVersion } : {}),
      },
      spec,
    };
    const res = existing
      ? await this.http.request('PUT', `${collection}/${encodeURIComponent(dashboard.uid)}`, { body: resource })
      : await this.http.request('POST', collection, { body: resource });
    if (res.status !== 200 && res.status !== 201) this.fail(res, op);
  }

  /** Every dashboard directly in the folder, paged, bounded. */
  async searchFolder(folderUid: string): Promise<SearchHit[]> {
    const op = this.op(`search folder ${folderUid}`, 'dashboards:read and folders:read (Viewer role)');
    const hits: SearchHit[] = [];
    for (let page = 1; page <= MAX_SEARCH_PAGES; page++) {
      const query = new URLSearchParams({ type: 'dash-db', folderUIDs: folderUid, limit: String(SEARCH_PAGE_SIZE), page: String(page) });
      const res = await this.http.request('GET', `/api/search?${query}`);
      if (res.status !== 200) this.fail(res, op);
      const batch = this.parse<SearchHit[]>(res, op);
      hits.push(...batch);
      if (batch.length < SEARCH_PAGE_SIZE) return hits;
    }
    throw new PublishFailure(`${op.what}: more than ${SEARCH_PAGE_SIZE * MAX_SEARCH_PAGES} dashboards; refusing to guess what to prune.`);
  }

  async deleteDashboard(uid: string): Promise<void> {
    const op = this.op(`delete dashboard ${uid}`, 'dashboards:delete on the folder (Editor role)');
    const res = await this.http.request('DELETE', `/api/dashboards/uid/${encodeURIComponent(uid)}`);
    if (res.status !== 200 && res.status !== 404) this.fail(res, op);
  }

  private ruleGroupPath(folderUid: string, group: string): string {
    return `/api/v1/provisioning/folder/${encodeURIComponent(folderUid)}/rule-groups/${encodeURIComponent(group)}`;
  }

  async getRuleGroup(folderUid: string, group: string): Promise<Record<string, unknown> | undefined> {
    const op = this.op(`read rule group ${group}`, 'alert.provisioning:read (Admin role by default) or alert.rules.provisioning:read');
    const res = await this.http.request('GET', this.ruleGroupPath(folderUid, group));
    if (res.status === 404) return undefined;
    if (res.status !== 200) this.fail(res, op);
    return this.parse(res, op);
  }

  async putRuleGroup(folderUid: string, group: string, body: unknown, editable: boolean): Promise<void> {
    const op = this.op(`save rule group ${group}`,
      'alert.provisioning:write (Admin role by default) or alert.rules.provisioning:write, plus read access to the data source',
      `Folder ${folderUid} does not exist, or this Grafana has no alerting provisioning API (Grafana 9.1+).`);
    const headers: Record<string, string> = editable ? { 'X-Disable-Provenance': 'true' } : {};
    const res = await this.http.request('PUT', this.ruleGroupPath(folderUid, group), { body, headers });
    if (res.status !== 200) this.fail(res, op);
  }
}
