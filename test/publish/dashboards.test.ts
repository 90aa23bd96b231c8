import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGrafana, type FakeGrafana } from './fake-grafana.js';
import { fixtureCopy, run, TOKEN } from './helpers.js';

let grafana: FakeGrafana;
let env: Record<string, string>;
const OWNER = 'mcp-observability';
const FOLDER = 'mcp-observability';

beforeEach(async () => {
  grafana = await startFakeGrafana({ token: TOKEN });
  env = { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN };
});
afterEach(() => grafana.close());

function seed(uid: string, folderUid: string, tags: string[], extra: Partial<{ apiVersion: string; json: Record<string, unknown> }> = {}) {
  grafana.dashboards.set(uid, { id: 900, uid, folderUid, version: 3, provisioned: false, apiVersion: extra.apiVersion ?? 'v1beta1',
    json: extra.json ?? { uid, title: `seeded ${uid}`, tags, panels: [] } });
}

describe('publish dashboards', () => {
  it('creates the folder and every dashboard, tagged as ours, with the commit message', async () => {
    const r = await run(['--message', 'ci run 42'], env);
    expect(r.code).toBe(0);
    expect(grafana.folders.get(FOLDER)?.title).toBe('MCP Observability');
    expect([...grafana.dashboards.keys()].sort()).toEqual(['mcp-fixture-overview', 'mcp-fixture-tools']);
    for (const d of grafana.dashboards.values()) {
      expect(d.folderUid).toBe(FOLDER);
      expect(d.json.tags).toContain(OWNER);
    }
    const saves = grafana.requests.filter((q) => q.path === '/api/dashboards/db');
    expect(saves.map((q) => JSON.parse(q.body) as { overwrite: boolean; message: string; folderUid: string }))
      .toEqual(expect.arrayContaining([expect.objectContaining({ overwrite: true, message: 'ci run 42', folderUid: FOLDER })]));
    expect(r.out).toMatch(/summary: 3 created, 0 updated, 0 unchanged, 0 deleted, 0 failed/);
    expect(r.out).toMatch(/^dashboard\s+mcp-fixture-tools\s+create\s+ok$/m);
  });

  it('default message names the commit', async () => {
    await run([], env);
    const body = JSON.parse(grafana.requests.find((q) => q.path === '/api/dashboards/db')!.body) as { message: string };
    expect(body.message).toBe('mcp-observability publish 0123456789ab');
  });

  it('publishing twice in a row reports everything unchanged the second time and writes nothing', async () => {
    expect((await run(['--dashboards', '--grafana-alerts'], env)).code).toBe(0);
    const writesBefore = grafana.mutatingRequests().length;
    const second = await run(['--dashboards', '--grafana-alerts'], env);
    expect(second.code).toBe(0);
    expect(grafana.mutatingRequests().length).toBe(writesBefore);
    expect(second.out).toMatch(/summary: 0 created, 0 updated, 4 unchanged, 0 deleted, 0 failed/);
    expect(second.out).not.toMatch(/\b(create|update|delete)\s+(ok|planned)/);
  });

  it('updates a changed dashboard with a short normalised diff and bumps its version', async () => {
    const root = fixtureCopy();
    await run(['--root', root], env);
    const file = join(root, 'dashboards/prom-client/overview.json');
    const d = JSON.parse(readFileSync(file, 'utf8')) as { panels: { title: string }[] };
    d.panels[0]!.title = 'Tool calls per second';
    writeFileSync(file, JSON.stringify(d));
    const r = await run(['--root', root], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('update    dashboard     mcp-fixture-overview');
    expect(r.out).toContain('~ panels[0].title: "Tool calls" → "Tool calls per second"');
    // id/version/iteration that the server added are not reported as differences
    expect(r.out).not.toMatch(/[-~+] (id|version|iteration)\b/);
    expect(grafana.dashboards.get('mcp-fixture-overview')?.version).toBe(2);
    expect(grafana.dashboards.get('mcp-fixture-tools')?.version).toBe(1);
    expect(r.out).toMatch(/summary: 0 created, 1 updated, 2 unchanged/);
  });

  it('--dry-run prints the plan and sends no mutating request', async () => {
    const r = await run(['--dry-run'], env);
    expect(r.code).toBe(0);
    expect(grafana.mutatingRequests()).toEqual([]);
    expect(grafana.dashboards.size).toBe(0);
    expect(r.out).toContain('plan (dry run, nothing will be changed):');
    expect(r.out).toMatch(/create\s+folder\s+mcp-observability/);
    expect(r.out).toMatch(/^dashboard\s+mcp-fixture-overview\s+create\s+planned \(dry run\)$/m);
  });

  it('--prune deletes only our tagged dashboards in our folder that are no longer generated', async () => {
    grafana.folders.set(FOLDER, { uid: FOLDER, title: 'MCP Observability', id: 1 });
    grafana.folders.set('team-a', { uid: 'team-a', title: 'Team A', id: 2 });
    seed('old-ours', FOLDER, [OWNER]);
    seed('ours-elsewhere', 'team-a', [OWNER]);
    seed('theirs-in-our-folder', FOLDER, ['team-a']);
    const kept = await run([], env);
    expect(kept.out).toMatch(/keep\s+dashboard\s+old-ours/);
    expect(grafana.dashboards.has('old-ours')).toBe(true);

    const r = await run(['--prune'], env);
    expect(r.code).toBe(0);
    expect(grafana.dashboards.has('old-ours')).toBe(false);
    expect(grafana.dashboards.has('ours-elsewhere')).toBe(true);
    expect(grafana.dashboards.has('theirs-in-our-folder')).toBe(true);
    expect(grafana.requests.filter((q) => q.method === 'DELETE').map((q) => q.path)).toEqual(['/api/dashboards/uid/old-ours']);
    expect(r.out).toMatch(/^dashboard\s+old-ours\s+delete\s+ok$/m);
  });

  it('refuses to overwrite a same-uid dashboard it does not own, unless --adopt', async () => {
    seed('mcp-fixture-tools', '', ['someone-else']);
    const r = await run([], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/mcp-fixture-tools\s+conflict\s+REFUSED: exists \(folder General\) without our tag "mcp-observability"/);
    expect(grafana.dashboards.get('mcp-fixture-tools')?.json.title).toBe('seeded mcp-fixture-tools');
    expect(grafana.dashboards.has('mcp-fixture-overview')).toBe(true);

    const adopted = await run(['--adopt'], env);
    expect(adopted.code).toBe(0);
    expect(grafana.dashboards.get('mcp-fixture-tools')?.json.title).toBe('MCP / Tools (fixture)');
    expect(adopted.out).toContain('~ folder: General → mcp-observability');
  });

  it('reports a 412 with what to do, exits 1 and still publishes the rest', async () => {
    grafana.inject('POST', /^\/api\/dashboards\/db$/, [{ status: 412, body: { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' } }]);
    const r = await run([], env);
    expect(r.code).toBe(1);
    expect(r.all).toContain('version conflict (412) (server said: The dashboard has been changed by someone else)');
    expect(r.all).toContain('Run with --dry-run to see the current plan, then publish again');
    expect(grafana.dashboards.size).toBe(1);
    expect(r.out).toMatch(/summary: 2 created, 0 updated, 0 unchanged, 0 deleted, 1 failed/);
  });

  it('a bad token fails fast with exit 1, names the variable and is never printed', async () => {
    const wrong = 'glsa_wrongTokenValue_9999999999';
    const r = await run([], { ...env, GRAFANA_TOKEN: wrong });
    expect(r.code).toBe(1);
    expect(r.all).toContain('authentication failed (401)');
    expect(r.all).toContain('Check GRAFANA_TOKEN');
    expect(r.all).not.toContain(wrong);
    // fatal: no dashboard requests after the first 401
    expect(grafana.requests.filter((q) => q.path.startsWith('/api/dashboards'))).toEqual([]);
  });

  it('redacts the token even when the server echoes it back', async () => {
    grafana.inject('GET', /^\/api\/folders\//, [{ status: 400, body: { message: `bad header Authorization: Bearer ${TOKEN}` } }]);
    const r = await run([], env);
    expect(r.code).toBe(1);
    expect(r.all).toContain('Bearer ***');
    expect(r.all).not.toContain(TOKEN);
    expect(r.all).not.toContain(TOKEN.slice(0, 20));
  });

  it('basic auth works and the password is never printed', async () => {
    const fake = await startFakeGrafana({ basic: { user: 'admin', password: 'secret-admin-pw' } });
    try {
      const ok = await run([], { GRAFANA_URL: fake.url, GRAFANA_USER: 'admin', GRAFANA_PASSWORD: 'secret-admin-pw' });
      expect(ok.code).toBe(0);
      fake.inject('GET', /^\/api\/folders\//, [{ status: 500, body: { message: 'echo secret-admin-pw and YWRtaW46c2VjcmV0LWFkbWluLXB3' } }]);
      const failed = await run(['--retries', '0'], { GRAFANA_URL: fake.url, GRAFANA_USER: 'admin', GRAFANA_PASSWORD: 'secret-admin-pw' });
      expect(failed.all).not.toMatch(/secret-admin-pw|YWRtaW46c2VjcmV0LWFkbWluLXB3/);
    } finally {
      await fake.close();
    }
  });

  it('falls back to /apis/dashboard.grafana.app when the legacy API answers 406 (stored as schema v2)', async () => {
    grafana.folders.set(FOLDER, { uid: FOLDER, title: 'MCP Observability', id: 1 });
    seed('mcp-fixture-overview', FOLDER, [OWNER], { apiVersion: 'v2beta1',
      json: { uid: 'mcp-fixture-overview', title: 'MCP / Overview (fixture)', tags: [OWNER], elements: {}, layout: { kind: 'GridLayout' } } });
    const r = await run([], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('stored as dashboard schema v2');
    const put = grafana.requests.find((q) => q.method === 'PUT' && q.path.startsWith('/apis/'));
    expect(put?.path).toBe('/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards/mcp-fixture-overview');
    const body = JSON.parse(put!.body) as { metadata: { annotations: Record<string, string>; resourceVersion: string }; spec: { title: string } };
    expect(body.metadata.annotations['grafana.app/folder']).toBe(FOLDER);
    expect(body.metadata.resourceVersion).toBe('3');
    expect(body.spec.title).toBe('MCP / Overview (fixture)');
    expect(grafana.requests.filter((q) => q.path === '/api/dashboards/db').map((q) => (JSON.parse(q.body) as { dashboard: { uid: string } }).dashboard.uid))
      .toEqual(['mcp-fixture-tools']);
    const again = await run([], env);
    expect(again.out).toMatch(/summary: 0 created, 0 updated, 3 unchanged/);
  });
});
