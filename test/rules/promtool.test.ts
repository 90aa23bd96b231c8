// The generated rules and tests, checked by the real promtool 2.42.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, getProfile } from '../../src/catalog/index.js';
import { validateConfig } from '../../src/cli/config/load.js';
import { ruleAreas } from '../../src/cli/rules/index.js';
import { promtool, writeGenerated } from './helpers.js';

const config = validateConfig({ aggregationLabels: ['cluster'] });
const dir = writeGenerated(config);
const yamlFiles = (sub: string) => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, sub, f));

describe.each(PROFILE_NAMES)('promtool on the %s rules', (profile) => {
  const base = `alerts/${profile}`;

  it('check rules passes on every plain and drill rule file', async () => {
    const files = [...yamlFiles(base), ...yamlFiles(`${base}/drill`)];
    expect(files.length).toBeGreaterThanOrEqual(16);
    const r = await promtool(['check', 'rules', ...files]);
    expect(r.all).not.toMatch(/FAILED|error/i);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.match(/SUCCESS: \d+ rules found/g)?.length).toBe(files.length);
  });

  it.each(ruleAreas(config, getProfile(profile)).filter((a) => a.tests.length).map((a) => a.area))('test rules passes for %s', async (area) => {
    const file = join(dir, base, 'tests', `${area}.test.yaml`);
    const doc = yaml.load(readFileSync(file, 'utf8')) as { tests: unknown[]; group_eval_order: string[] };
    const expected = ruleAreas(config, getProfile(profile)).find((a) => a.area === area)?.tests.filter((t) => !t.peers).length;
    expect(doc.tests.length).toBe(expected);
    expect(doc.group_eval_order.length).toBeGreaterThan(0);
    const r = await promtool(['test', 'rules', file]);
    expect(r.all).toContain('SUCCESS');
    expect(r.exitCode).toBe(0);
  }, 60_000);
});

describe('promtool tests discriminate', () => {
  const base = join(dir, 'alerts/prom-client');

  /** Runs `testFile` against `rulesFile` with one text mutated; restores the rules afterwards. */
  async function withMutation(rulesFile: string, mutate: (text: string) => string, testFile: string) {
    const original = readFileSync(rulesFile, 'utf8');
    const mutated = mutate(original);
    expect(mutated).not.toBe(original);
    writeFileSync(rulesFile, mutated);
    try {
      return await promtool(['test', 'rules', testFile]);
    } finally {
      writeFileSync(rulesFile, original);
    }
  }

  it('fail when the search_docs threshold in the rules is mutated', async () => {
    const r = await withMutation(join(base, 'tools.rules.yaml'), (t) => t.replace('{tool="search_docs"} > 1\n', '{tool="search_docs"} > 3\n'),
      join(base, 'tests/tools.test.yaml'));
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('McpToolLatencyHigh');
  });

  it('fail on a deliberately wrong expectation (P95 1.95s expected as 1.9s)', async () => {
    const test = join(base, 'tests/tools.test.yaml');
    const original = readFileSync(test, 'utf8');
    const wrong = join(base, 'tests/tools-wrong.test.yaml');
    writeFileSync(wrong, original.replace('answers in 1.95s', 'answers in 1.9s'));
    expect(readFileSync(wrong, 'utf8')).not.toBe(original);
    const r = await promtool(['test', 'rules', wrong]);
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('FAILED');
  });

  it('fail when the SLO traffic floor is removed (a quiet failing tool then pages)', async () => {
    const r = await withMutation(join(base, 'slo.rules.yaml'), (t) => t.replaceAll(` >= ${config.minToolRate}`, ' >= 0'),
      join(base, 'tests/slo.test.yaml'));
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('quiet_flaky');
  }, 60_000);

  it('fail when the tool-definition alert loses its new-series term (a tool added at run time then goes unseen)', async () => {
    const r = await withMutation(join(base, 'security.rules.yaml'), (t) => t.replace(/\n\s*or\n\s*sum by \(cluster, job, instance, tool, change\) \(mcp_tool_definition_changes_total.*offset 30m\) > 0/, ''),
      join(base, 'tests/security.test.yaml'));
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('exfiltrate');
  }, 60_000);

  it('fail when the unknown-tool probing alert stops grouping by client', async () => {
    const r = await withMutation(join(base, 'security.rules.yaml'), (t) => t.replace('sum by (cluster, job, instance, client_name) (rate(mcp_unknown_requests_total', 'sum by (cluster, job, instance) (rate(mcp_unknown_requests_total'),
      join(base, 'tests/security.test.yaml'));
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('McpUnknownToolProbing');
  }, 60_000);
});
