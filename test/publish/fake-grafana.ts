// A loopback HTTP fake of the Grafana API surface the publisher uses, following Grafana's
// documented behaviour: folders, dashboards (db / uid / search) with version bumps and 412 on
// version mismatch, 406 on the legacy API for dashboards stored as schema v2 plus the /apis
// dashboard resource, /api/health, alerting provisioning rule groups (provenance, server-added
// query defaults), 401 on bad credentials, and injectable response sequences (429/503...).
// It is a test aid: the claim "works with Grafana" rests on test/peers with a real Grafana.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StoredDashboardRecord {
  id: number;
  uid: string;
  folderUid: string;
  version: number;
  /** v1 JSON, or a v2 spec when apiVersion starts with v2. */
  json: Record<string, unknown>;
  apiVersion: string;
  provisioned: boolean;
}

interface Injected {
  method: string;
  path: RegExp;
  responses: { status: number; headers?: Record<string, string>; body?: unknown }[];
}

export interface FakeGrafanaOptions {
  token?: string;
  basic?: { user: string; password: string };
  version?: string;
}

export interface FakeGrafana {
  url: string;
  requests: RecordedRequest[];
  folders: Map<string, { uid: string; title: string; id: number }>;
  dashboards: Map<string, StoredDashboardRecord>;
  ruleGroups: Map<string, Record<string, unknown>>;
  /** The next matching requests get these responses, in order, before normal handling resumes. */
  inject(method: string, path: RegExp, responses: Injected['responses']): void;
  mutatingRequests(): RecordedRequest[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export async function startFakeGrafana(options: FakeGrafanaOptions = {}): Promise<FakeGrafana> {
  const requests: RecordedRequest[] = [];
  const folders = new Map<string, { uid: string; title: string; id: number }>();
  const dashboards = new Map<string, StoredDashboardRecord>();
  const ruleGroups = new Map<string, Record<string, unknown>>();
  const injected: Injected[] = [];
  let nextId = 1;

  const authorised = (req: IncomingMessage): boolean => {
    const auth = req.headers.authorization ?? '';
    if (options.token && auth === `Bearer ${options.token}`) return true;
    if (options.basic) {
      const expected = Buffer.from(`${options.basic.user}:${options.basic.password}`).toString('base64');
      if (auth === `Basic ${expected}`) return true;
    }
    return false;
  };

  const saveDashboard = (uid: string, dashboard: Record<string, unknown>, folderUid: string, apiVersion: string): StoredDashboardRecord => {
    const existing = dashboards.get(uid);
    const version = (existing?.version ?? 0) + 1;
    const id = existing?.id ?? nextId++;
    const record = { id, uid, folderUid, version, json: { ...dashboard, id, uid, version }, apiVersion, provisioned: existing?.provisioned ?? false };
    dashboards.set(uid, record);
    return record;
  };

  const k8sDashboard = (record: StoredDashboardRecord, version: string) => {
    const { id: _id, version: _v, uid: _uid, ...spec } = record.json;
    return {
      apiVersion: `dashboard.grafana.app/${version}`,
      kind: 'Dashboard',
      metadata: { name: record.uid, namespace: 'default', resourceVersion: String(record.version), generation: record.version,
        annotations: { 'grafana.app/folder': record.folderUid } },
      spec,
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const rule = injected.find((i) => i.method === method && i.path.test(path) && i.responses.length);
    if (rule) {
      const next = rule.responses.shift()!;
      return json(res, next.status, next.body ?? { message: `injected ${next.status}` }, next.headers);
    }
    if (method === 'GET' && path === '/api/health') return json(res, 200, { commit: 'fake', database: 'ok', version: options.version ?? '12.1.0' });
    if (!authorised(req)) return json(res, 401, { message: 'Invalid API key', messageId: 'auth.unauthorized', statusCode: 401 });
    const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};

    let m: RegExpExecArray | null;
    if ((m = /^\/api\/folders\/([^/]+)$/.exec(path)) && method === 'GET') {
      const folder = folders.get(decodeURIComponent(m[1]!));
      return folder ? json(res, 200, { ...folder, version: 1 }) : json(res, 404, { message: 'folder not found', status: 'not-found' });
    }
    if (path === '/api/folders' && method === 'POST') {
      const uid = String(parsed.uid);
      if (folders.has(uid)) return json(res, 409, { message: 'a folder with the same uid already exists' });
      const folder = { uid, title: String(parsed.title), id: nextId++ };
      folders.set(uid, folder);
      return json(res, 200, { ...folder, version: 1, url: `/dashboards/f/${uid}/` });
    }
    if ((m = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path))) {
      const uid = decodeURIComponent(m[1]!);
      const record = dashboards.get(uid);
      if (!record) return json(res, 404, { message: 'Dashboard not found' });
      if (method === 'GET') {
        if (record.apiVersion.startsWith('v2')) {
          return json(res, 406, { message: `dashboard api version not supported, use /apis/dashboard.grafana.app/${record.apiVersion}/namespaces/default/dashboards/${uid} instead` });
        }
        return json(res, 200, { dashboard: record.json, meta: { folderUid: record.folderUid, version: record.version, provisioned: record.provisioned, slug: uid, url: `/d/${uid}` } });
      }
      if (method === 'DELETE') {
        dashboards.delete(uid);
        return json(res, 200, { title: record.json.title, message: `Dashboard ${String(record.json.title)} deleted`, uid });
      }
    }
    if (path === '/api/dashboards/db' && method === 'POST') {
      const dashboard = parsed.dashboard as Record<string, unknown> | undefined;
      const folderUid = String(parsed.folderUid ?? '');
      if (!dashboard || typeof dashboard.title !== 'string' || !dashboard.title) return json(res, 400, { message: 'Dashboard title cannot be empty' });
      if (folderUid && !folders.has(folderUid)) return json(res, 400, { message: 'folder not found' });
      const uid = String(dashboard.uid);
      const existing = dashboards.get(uid);
      if (existing?.provisioned) return json(res, 400, { message: 'Cannot save provisioned dashboard' });
      if (existing && !parsed.overwrite && dashboard.version !== existing.version) {
        return json(res, 412, { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' });
      }
      const record = saveDashboard(uid, dashboard, folderUid, 'v1beta1');
      return json(res, 200, { id: record.id, uid, url: `/d/${uid}`, status: 'success', version: record.version, slug: uid });
    }
    if (path === '/api/search' && method === 'GET') {
      const folderUids = url.searchParams.getAll('folderUIDs');
      const tags = url.searchParams.getAll('tag');
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      const page = Number(url.searchParams.get('page') ?? 1);
      const hits = [...dashboards.values()]
        .filter((d) => !folderUids.length || folderUids.includes(d.folderUid))
        .filter((d) => tags.every((t) => ((d.json.tags as string[] | undefined) ?? []).includes(t)))
        .map((d) => ({ id: d.id, uid: d.uid, title: d.json.title, type: 'dash-db', tags: d.json.tags ?? [], folderUid: d.folderUid, url: `/d/${d.uid}` }));
      return json(res, 200, hits.slice((page - 1) * limit, page * limit));
    }
    if (path === '/apis/dashboard.grafana.app' && method === 'GET') {
      const versions = ['v1beta1', 'v2beta1'].map((version) => ({ groupVersion: `dashboard.grafana.app/${version}`, version }));
      return json(res, 200, { kind: 'APIGroup', apiVersion: 'v1', name: 'dashboard.grafana.app', versions, preferredVersion: versions[0] });
    }
    if ((m = /^\/apis\/dashboard\.grafana\.app\/([^/]+)\/namespaces\/([^/]+)\/dashboards(?:\/([^/]+))?$/.exec(path))) {
      const [, version, , name] = m as unknown as [string, string, string, string | undefined];
      if (name && method === 'GET') {
        const record = dashboards.get(name);
        return record ? json(res, 200, k8sDashboard(record, version)) : json(res, 404, { kind: 'Status', message: `dashboards "${name}" not found`, code: 404 });
      }
      const metadata = parsed.metadata as { name: string; resourceVersion?: string; annotations?: Record<string, string> };
      const folderUid = metadata.annotations?.['grafana.app/folder'] ?? '';
      const spec = { ...(parsed.spec as Record<string, unknown>), uid: metadata.name };
      if (name && method === 'PUT') {
        const record = dashboards.get(name);
        if (!record) return json(res, 404, { kind: 'Status', message: `dashboards "${name}" not found`, code: 404 });
        if (metadata.resourceVersion && metadata.resourceVersion !== String(record.version)) {
          return json(res, 409, { kind: 'Status', message: 'the object has been modified; please apply your changes to the latest version and try again', code: 409 });
        }
        return json(res, 200, k8sDashboard(saveDashboard(name, spec, folderUid, version), version));
      }
      if (!name && method === 'POST') {
        if (dashboards.has(metadata.name)) return json(res, 409, { kind: 'Status', message: 'already exists', code: 409 });
        return json(res, 201, k8sDashboard(saveDashboard(metadata.name, spec, folderUid, version), version));
      }
    }
    if ((m = /^\/api\/v1\/provisioning\/folder\/([^/]+)\/rule-groups\/([^/]+)$/.exec(path))) {
      const folderUid = decodeURIComponent(m[1]!);
      const group = decodeURIComponent(m[2]!);
      const key = `${folderUid}/${group}`;
      if (method === 'GET') {
        const stored = ruleGroups.get(key);
        return stored ? json(res, 200, stored) : json(res, 404, { message: 'rule group does not exist' });
      }
      if (method === 'PUT') {
        if (!folders.has(folderUid)) return json(res, 404, { message: 'folder does not exist' });
        const rules = (parsed.rules as Record<string, unknown>[] | undefined) ?? [];
        for (const rule of rules) {
          for (const field of ['title', 'condition', 'data', 'for', 'noDataState', 'execErrState']) {
            if (rule[field] === undefined || rule[field] === '') return json(res, 400, { message: `invalid alert rule: ${field} is required` });
          }
        }
        const provenance = req.headers['x-disable-provenance'] === 'true' ? undefined : 'api';
        // Like Grafana: ids, timestamps, org, provenance and query defaults are added to what is stored.
        const stored = {
          title: group, folderUid, interval: parsed.interval,
          rules: rules.map((rule, i) => ({
            id: i + 1, orgID: 1, updated: new Date().toISOString(), ...rule, folderUID: folderUid, ruleGroup: group,
            ...(provenance ? { provenance } : {}),
            data: (rule.data as Record<string, unknown>[]).map((q) => ({ ...q, model: { intervalMs: 1000, maxDataPoints: 43200, hide: false, ...(q.model as object) } })),
          })),
        };
        ruleGroups.set(key, stored);
        return json(res, 200, stored);
      }
    }
    return json(res, 404, { message: 'Not found' });
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    folders,
    dashboards,
    ruleGroups,
    inject: (method, path, responses) => injected.push({ method, path, responses: [...responses] }),
    mutatingRequests: () => requests.filter((r) => r.method !== 'GET'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
