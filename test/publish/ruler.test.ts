import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as yaml from 'js-yaml';
import { startFakeRuler, type FakeRuler } from './fake-ruler.js';
import { run } from './helpers.js';

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

  it('points at --ruler-api-path when the path is wrong', async () => {
    const r = await run(['--ruler', '--ruler-api-path', '/api/v1/rules'], { MIMIR_URL: ruler.url, MIMIR_TENANT: 't' });
    expect(r.code).toBe(1);
    expect(r.all).toContain('not found (404)');
    expect(r.all).toContain('--ruler-api-path (now /api/v1/rules; Cortex uses /api/v1/rules)');
  });
});
