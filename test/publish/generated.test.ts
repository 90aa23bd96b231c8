// The committed, generated dashboards (not fixtures) through the publisher and the fake Grafana:
// each profile publishes, and a second publish finds everything unchanged.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/cli/publish/options.js';
import { startFakeGrafana, type FakeGrafana } from './fake-grafana.js';
import { run, TOKEN } from './helpers.js';

let grafana: FakeGrafana;
beforeEach(async () => {
  grafana = await startFakeGrafana({ token: TOKEN });
});
afterEach(() => grafana.close());

describe('publishing the generated dashboards', () => {
  it.each(PROFILES)('%s: publishes every dashboard, then reports them all unchanged', async (profile) => {
    const env = { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN };
    const args = ['--root', resolve('.'), '--profile', profile];
    const first = await run(args, env);
    expect(first.code, first.all).toBe(0);
    expect(grafana.dashboards.size).toBeGreaterThanOrEqual(5);
    const second = await run(args, env);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(new RegExp(`summary: 0 created, 0 updated, ${grafana.dashboards.size + 1} unchanged, 0 deleted, 0 failed`));
  });
});

it('pruning while publishing one profile keeps the other profile\'s dashboards', async () => {
  const env = { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN };
  await run(['--root', resolve('.'), '--profile', 'prom-client'], env);
  const r = await run(['--root', resolve('.'), '--profile', 'otel', '--prune'], env);
  expect(r.code).toBe(0);
  expect(grafana.dashboards.has('mcp-overview')).toBe(true);
  expect(grafana.dashboards.has('mcp-otel-overview')).toBe(true);
  expect(grafana.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
});
