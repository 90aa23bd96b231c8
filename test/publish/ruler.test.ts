import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as yaml from 'js-yaml';
import { startFakeRuler, type FakeRuler } from './fake-ruler.js';
import { fixtureCopy, run } from './helpers.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let ruler: FakeRuler;
beforeEach(async () => {
  ruler = await startFakeRuler();
});
afterEach(() => ruler.close());

describe('publish to a Mimir ruler', () => {
  it('posts each group as YAML into its namespace for the tenant, then reports unchanged', async () => {
    const env = { MIMIR_URL: ruler.url, MIMIR_TENANT: 'team-mcp' };
    const r = await run(['--ruler'], env);
    expect(r.code).toBe(0);
    const posts = ruler.requests.filter((q) => q.method === 'POST');
    expect(posts.map((q) => [q.path, q.contentType, q.tenant])).toEqual([
      ['/prometheus/config/v1/rules/mcp-observability', 'application/yaml', 'team-mcp'],
      ['/prometheus/config/v1/rules/mcp-observability', 'application/yaml', 'team-mcp'],
    ]);
    const stored = ruler.groups.get('team-mcp')?.get('mcp-observability');
    expect([...stored!.keys()].sort()).toEqual(['mcp-tools-alerts', 'mcp-tools-recording']);
    expect(yaml.dump(stored!.get('mcp-tools-recording'))).toContain('record: job_tool:mcp_tool_invocations:rate5m');

    const again = await run(['--ruler'], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/summary: 0 created, 0 updated, 2 unchanged/);
    expect(ruler.requests.filter((q) => q.method === 'POST')).toHaveLength(2);
  });

  it('keeps groups of our namespace that are no longer generated, and deletes only those with --prune', async () => {
    const env = { MIMIR_URL: ruler.url, MIMIR_TENANT: 'team-mcp' };
    expect((await run(['--ruler'], env)).code).toBe(0);
    const held = (tenant: string, ns: string) => [...(ruler.groups.get(tenant)?.get(ns)?.keys() ?? [])].sort();
    // A group we no longer generate in our namespace, and groups of someone else's namespace and tenant.
    ruler.groups.get('team-mcp')!.get('mcp-observability')!.set('mcp-retired-alerts', { name: 'mcp-retired-alerts' });
    ruler.groups.get('team-mcp')!.set('payments', new Map([['payments-alerts', { name: 'payments-alerts' }]]));
    ruler.groups.set('other-team', new Map([['mcp-observability', new Map([['mcp-retired-alerts', { name: 'mcp-retired-alerts' }]])]]));

    const kept = await run(['--ruler'], env);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain('mcp-observability/mcp-retired-alerts');
    expect(kept.out).toContain('--prune would delete it');
    expect(held('team-mcp', 'mcp-observability')).toEqual(['mcp-retired-alerts', 'mcp-tools-alerts', 'mcp-tools-recording']);

    const pruned = await run(['--ruler', '--prune'], env);
    expect(pruned.code).toBe(0);
    expect(pruned.out).toMatch(/summary: 0 created, 0 updated, 2 unchanged, 1 deleted, 0 failed/);
    expect(held('team-mcp', 'mcp-observability')).toEqual(['mcp-tools-alerts', 'mcp-tools-recording']);
    expect(held('team-mcp', 'payments')).toEqual(['payments-alerts']);
    expect(held('other-team', 'mcp-observability')).toEqual(['mcp-retired-alerts']);
    expect(ruler.requests.filter((q) => q.method === 'DELETE').map((q) => [q.path, q.tenant]))
      .toEqual([['/prometheus/config/v1/rules/mcp-observability/mcp-retired-alerts', 'team-mcp']]);
    expect(ruler.requests.some((q) => q.path.includes('payments'))).toBe(false);
  });

  it('finds an alert with `for: 0s` unchanged once the ruler has dropped the zero', async () => {
    const root = fixtureCopy();
    const file = join(root, 'alerts/prom-client/mimir/tools.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/for: \S+/, 'for: 0s'));
    const env = { MIMIR_URL: ruler.url, MIMIR_TENANT: 'team-mcp' };
    expect((await run(['--root', root, '--ruler'], env)).code).toBe(0);
    const again = await run(['--root', root, '--ruler'], env);
    expect(again.out).toMatch(/summary: 0 created, 0 updated, 2 unchanged/);
  });

  it('points at --ruler-api-path when the path is wrong', async () => {
    const r = await run(['--ruler', '--ruler-api-path', '/api/v1/rules'], { MIMIR_URL: ruler.url, MIMIR_TENANT: 't' });
    expect(r.code).toBe(1);
    expect(r.all).toContain('not found (404)');
    expect(r.all).toContain('--ruler-api-path (now /api/v1/rules; Cortex uses /api/v1/rules)');
  });
});
