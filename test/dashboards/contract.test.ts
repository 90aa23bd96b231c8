import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { getProfile, PROBE_FAMILIES, PROFILE_NAMES, seriesNames } from '../../src/catalog/index.js';
import { validateConfig } from '../../src/cli/config/load.js';
import { dashboardArtifacts, DASHBOARDS } from '../../src/cli/dashboards/index.js';
import { panelsOf } from '../../src/cli/dashboards/lint.js';
import { parsePromQL, substituteGrafanaVariables } from '../../src/cli/promql/index.js';
import { ruleArtifacts } from '../../src/cli/rules/index.js';
import { NAMES } from '../../src/cli/rules/recorded.js';
import { config, generated, recordedNames, targetsOf } from './fixtures.js';

const dashboards = generated();
/** Prometheus's own series a panel may read besides the catalogue: scrape health and rule alerts. */
const PROMETHEUS_SERIES = ['ALERTS', 'up'];

describe('generated dashboards', () => {
  it('writes at least five dashboards per profile, one folder per profile', () => {
    for (const profile of PROFILE_NAMES) {
      const paths = dashboards.filter((g) => g.profile === profile).map((g) => g.path);
      expect(paths.length).toBeGreaterThanOrEqual(5);
      expect(paths).toEqual(DASHBOARDS.map((s) => `dashboards/${profile}/${s.name}.json`));
    }
  });

  it('gives every dashboard a unique, stable uid of at most 40 characters', () => {
    const uids = dashboards.map((g) => g.dashboard.uid as string);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(uids).toContain('mcp-performance');
    expect(uids).toContain('mcp-otel-performance');
  });

  it('numbers every panel and row uniquely', () => {
    for (const { dashboard } of dashboards) {
      const ids = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]).map((p) => p.id);
      expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('lays panels out inside the 24-column grid without overlaps, and drops empty rows', () => {
    for (const { path, dashboard } of dashboards) {
      const panels = (dashboard.panels ?? []) as { type: string; title: string; gridPos: { x: number; y: number; w: number; h: number } }[];
      panels.forEach((p, i) => {
        expect(p.gridPos.x + p.gridPos.w, `${path} ${p.title}`).toBeLessThanOrEqual(24);
        if (p.type === 'row') expect(panels[i + 1]?.type, `${path}: row ${p.title} is empty`).toBeDefined();
        if (p.type === 'row') expect(panels[i + 1]?.type, `${path}: row ${p.title} is empty`).not.toBe('row');
      });
      const cells = new Set<string>();
      for (const { gridPos: g, title } of panels) {
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${path}: ${title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
    }
  });

  it('links each dashboard to every other dashboard of its profile, by generated uid', () => {
    for (const { profile, dashboard } of dashboards) {
      const siblings = dashboards.filter((g) => g.profile === profile && g.dashboard.uid !== dashboard.uid).map((g) => `/d/${g.dashboard.uid}`);
      const links = (dashboard.links as { url: string }[]).map((l) => l.url);
      expect(links.sort()).toEqual(siblings.sort());
    }
  });

  it('carries the configured tags and data source default', () => {
    const custom = validateConfig({ grafana: { datasourceUid: 'mimir-prod', folder: 'F', folderUid: 'f', tags: ['mcp', 'team-a'] } });
    for (const profile of PROFILE_NAMES) {
      for (const { content } of dashboardArtifacts(custom, getProfile(profile))) {
        const d = JSON.parse(content) as { tags: string[]; templating: { list: { name: string; current?: { value: string } }[] } };
        expect(d.tags).toEqual(['mcp', 'team-a']);
        expect(d.templating.list.find((v) => v.name === 'datasource')?.current?.value).toBe('mimir-prod');
      }
    }
    for (const { dashboard } of dashboards) expect(dashboard.tags).toEqual(config.grafana.tags);
  });

  it('has a datasource, job, instance and tool variable on every dashboard, and a client variable where the profile labels clients', () => {
    for (const { profile, dashboard } of dashboards) {
      const clients = profile === 'prom-client' ? ['client'] : [];
      expect(dashboard.templating?.list?.map((v) => v.name)).toEqual(['datasource', 'job', 'instance', 'tool', ...clients]);
    }
  });

  it('writes only PromQL the Prometheus grammar accepts, in panels and variables', () => {
    for (const { path, dashboard } of dashboards) {
      for (const { panel, expr } of targetsOf(dashboard)) {
        expect(parsePromQL(substituteGrafanaVariables(expr)).errors, `${path} ${panel}: ${expr}`).toEqual([]);
      }
      for (const v of dashboard.templating?.list ?? []) {
        if (v.type !== 'query') continue;
        const inner = /^label_values\((.*), \w+\)$/.exec(String(v.query))?.[1] ?? '';
        expect(parsePromQL(substituteGrafanaVariables(inner)).errors, `${path} ${v.name}`).toEqual([]);
      }
    }
  });

  it('reads only series its profile\'s catalogue (normalised, where the profile normalises) or the prober\'s defines, series recordedSeries(profile) defines (or Prometheus\'s ALERTS and up)', () => {
    for (const profile of PROFILE_NAMES) {
      const recorded = recordedNames(profile);
      const { families, normalised } = getProfile(profile);
      const known = new Set([...(normalised ?? families).flatMap(seriesNames), ...PROBE_FAMILIES.flatMap(seriesNames), ...recorded, ...PROMETHEUS_SERIES]);
      const read = new Set(dashboards.filter((g) => g.profile === profile).flatMap((g) => [
        ...targetsOf(g.dashboard).map((t) => t.expr),
        ...(g.dashboard.templating?.list ?? []).filter((v) => v.type === 'query').map((v) => /^label_values\((.*), \w+\)$/.exec(String(v.query))?.[1] ?? ''),
      ]).flatMap((expr) => parsePromQL(substituteGrafanaVariables(expr)).metrics));
      expect([...read].filter((m) => !known.has(m)), profile).toEqual([]);
      expect(read.size).toBeGreaterThan(5);
      expect([...read].filter((m) => recorded.has(m)).length, `${profile} reads recorded series`).toBeGreaterThan(5);
    }
  });

  it('accepts a recorded series only for a profile whose rules record it', () => {
    // otel has no hallucination counter, so no hallucination ratio is recorded for it
    expect(recordedNames('prom-client').has(NAMES.hallucinationRatio)).toBe(true);
    expect(recordedNames('otel').has(NAMES.hallucinationRatio)).toBe(false);
    for (const profile of PROFILE_NAMES) {
      const records = new Set(ruleArtifacts(config, getProfile(profile))
        .filter((a) => /^alerts\/[^/]+\/[^/]+\.rules\.yaml$/.test(a.path))
        .flatMap((a) => (yaml.load(a.content) as { groups: { rules: { record?: string }[] }[] }).groups)
        .flatMap((g) => g.rules.map((r) => r.record)).filter((r): r is string => r !== undefined));
      expect([...recordedNames(profile)].filter((n) => !records.has(n)), `${profile}: recordedSeries names no rule records`).toEqual([]);
    }
  });

  it('fills the overview\'s Fleet row to the full 24 columns on one line in both profiles', () => {
    for (const profile of PROFILE_NAMES) {
      const panels = dashboards.find((g) => g.path === `dashboards/${profile}/overview.json`)!.dashboard.panels as
        { type: string; title: string; gridPos: { x: number; y: number; w: number } }[];
      const next = panels.findIndex((p, i) => i > 0 && p.type === 'row');
      const fleet = panels.slice(1, next);
      expect(panels[0]!.title).toBe('Fleet');
      expect(fleet.reduce((w, p) => w + p.gridPos.w, 0), profile).toBe(24);
      expect(new Set(fleet.map((p) => p.gridPos.y)).size, profile).toBe(1);
    }
  });

  it('omits for otel only panels of signals otel lacks; every otel panel also exists for prom-client', () => {
    const titles = (profile: string) => new Set(dashboards.filter((g) => g.profile === profile).flatMap((g) => panelsOf(g.dashboard).map((p) => `${g.path.split('/')[2]}: ${p.title}`)));
    const prom = titles('prom-client');
    const otel = titles('otel');
    expect([...otel].filter((t) => !prom.has(t))).toEqual([]);
    const omitted = [...prom].filter((t) => !otel.has(t));
    expect(omitted).toContain('quality.json: Task success ratio');
    expect(omitted).toContain('security.json: Authentication failures by reason');
    expect(omitted).not.toContain('performance.json: Tool latency P99 by tool');
  });

  it('is deterministic and matches the committed files (run npm run build if this fails)', () => {
    const again = generated();
    expect(again.map((g) => g.content)).toEqual(dashboards.map((g) => g.content));
    for (const { path, content } of dashboards) expect(readFileSync(path, 'utf8'), path).toBe(content);
  });
});
