import { describe, expect, it } from 'vitest';
import { PROBE_FAMILIES } from '../../src/catalog/index.js';
import { LINT_EXCLUSIONS } from '../../src/cli/dashboards/index.js';
import { lintDashboard, panelsOf, RULES, type LintDashboard, type LintExclusion, type LintPanel, type RuleName } from '../../src/cli/dashboards/lint.js';
import { dashboardName, generated, recordedNames, type Generated } from './fixtures.js';

const dashboards = generated();
/** A fresh copy of a real generated dashboard without lint exclusions, to break one thing in. */
const base = (): LintDashboard => structuredClone(dashboards.find((g) => g.path === 'dashboards/prom-client/security.json')!.dashboard);
const firstPanel = (d: LintDashboard): LintPanel => d.panels!.find((p) => p.type !== 'row')!;
const setExpr = (d: LintDashboard, expr: string): LintDashboard => {
  firstPanel(d).targets = [{ refId: 'A', expr }];
  return d;
};
const variable = (d: LintDashboard, name: string) => d.templating!.list!.find((v) => v.name === name)!;
/** Rules a broken copy of the security dashboard trips, with that dashboard's exclusions (its recorded-series panels). */
const rulesHit = (d: LintDashboard): RuleName[] => [...new Set(lintDashboard(d, LINT_EXCLUSIONS.security).map((f) => f.rule))].sort();

const exclusionsOf = (g: Generated): readonly LintExclusion[] =>
  (LINT_EXCLUSIONS[dashboardName(g)] ?? []).filter((e) => e.profiles === undefined || e.profiles.includes(g.profile));
/** The metric a target-instance-rule finding names (`selector name{...} lacks ...`). */
const selectorMetric = (message: string): string => /^selector ([^{\s]+)/.exec(message)?.[1] ?? message;

describe('dashboard lint on the generated dashboards', () => {
  it.each(dashboards.map((g) => [g.path, g] as const))('%s has no findings', (_path, g) => {
    expect(lintDashboard(g.dashboard, exclusionsOf(g))).toEqual([]);
  });

  it('exclusions are needed: without them the ALERTS panels break the instance rule', () => {
    const overview = dashboards.find((g) => g.path === 'dashboards/prom-client/overview.json')!.dashboard;
    const alertPanels = lintDashboard(overview).filter((f) => selectorMetric(f.message) === 'ALERTS');
    expect(alertPanels.map((f) => f.rule)).toEqual(['target-instance-rule', 'target-instance-rule']);
    expect(alertPanels.map((f) => f.panel)).toEqual(['Firing MCP alerts', 'MCP alerts (pending and firing)']);
  });

  it.each(dashboards.map((g) => [g.path, g] as const))(
    '%s: each exclusion is needed, and hides only instance-less selectors of recorded series or ALERTS, or the prober\'s series (its own job)', (_path, g) => {
      const findings = lintDashboard(g.dashboard);
      const titles = new Set(panelsOf(g.dashboard).map((p) => p.title));
      const excluded = exclusionsOf(g).filter((e) => titles.has(e.panel)).map((e) => e.panel);
      expect([...new Set(findings.map((f) => f.panel))].sort()).toEqual([...new Set(excluded)].sort());
      const probeSeries = new Set(PROBE_FAMILIES.map((f) => f.name));
      const servers = findings.filter((f) => !probeSeries.has(selectorMetric(f.message)));
      expect(new Set(servers.map((f) => f.rule))).toEqual(new Set(servers.length ? ['target-instance-rule'] : []));
      const allowed = new Set([...recordedNames(g.profile), 'ALERTS', ...probeSeries]);
      expect(findings.map((f) => selectorMetric(f.message)).filter((m) => !allowed.has(m))).toEqual([]);
    });

  it('every exclusion names a panel of its prom-client dashboard (none stale), once per rule', () => {
    for (const [name, exclusions] of Object.entries(LINT_EXCLUSIONS)) {
      const g = dashboards.find((d) => d.path === `dashboards/prom-client/${name}.json`)!;
      const titles = new Set(panelsOf(g.dashboard).map((p) => p.title));
      expect(exclusions.filter((e) => !titles.has(e.panel)), name).toEqual([]);
      expect(new Set(exclusions.map((e) => `${e.rule} ${e.panel}`)).size, name).toBe(exclusions.length);
    }
  });
});

const sel = 'job=~"$job", instance=~"$instance"';

/** One deliberately broken dashboard per rule, and the only rule it must trip. */
const BROKEN: Record<RuleName, () => LintDashboard> = {
  'template-datasource-rule': () => {
    const d = base();
    variable(d, 'datasource').label = 'Prometheus';
    return d;
  },
  'template-job-rule': () => {
    const d = base();
    variable(d, 'job').allValue = '.*';
    return d;
  },
  'template-instance-rule': () => {
    const d = base();
    variable(d, 'instance').multi = false;
    return d;
  },
  'template-on-time-change-reload-rule': () => {
    const d = base();
    variable(d, 'tool').refresh = 1;
    return d;
  },
  'panel-datasource-rule': () => {
    const d = base();
    firstPanel(d).datasource = { type: 'prometheus', uid: 'prometheus' };
    return d;
  },
  'panel-title-description-rule': () => {
    const d = base();
    firstPanel(d).description = '';
    return d;
  },
  'panel-units-rule': () => {
    const d = base();
    delete firstPanel(d).fieldConfig!.defaults!.unit;
    return d;
  },
  'target-promql-rule': () => setExpr(base(), `sum(rate(x_total{${sel}}[$__rate_interval])`),
  'target-rate-interval-rule': () => setExpr(base(), `sum(rate(x_total{${sel}}[5m]))`),
  'target-job-rule': () => setExpr(base(), `sum(rate(x_total{instance=~"$instance"}[$__rate_interval]))`),
  'target-instance-rule': () => setExpr(base(), `sum(rate(x_total{job=~"$job", instance="a"}[$__rate_interval]))`),
  'target-counter-agg-rule': () => setExpr(base(), `sum(x_total{${sel}})`),
};

describe('each lint rule catches what it is for', () => {
  it('has a broken fixture for every rule', () => {
    expect(Object.keys(BROKEN).sort()).toEqual(Object.keys(RULES).sort());
  });

  it.each(Object.entries(BROKEN))('%s', (rule, broken) => {
    expect(rulesHit(base())).toEqual([]);
    expect(rulesHit(broken())).toEqual([rule]);
  });

  it('accepts increase over $__range and counters inside increase (dashboard-linter does too)', () => {
    expect(rulesHit(setExpr(base(), `sum(increase(x_total{${sel}}[$__range]))`))).toEqual([]);
  });

  it('checks every selector of a target, not just the first', () => {
    const d = setExpr(base(), `sum(rate(a_total{${sel}}[$__rate_interval])) / sum(rate(b_total{job=~"$job"}[$__rate_interval]))`);
    expect(lintDashboard(d, LINT_EXCLUSIONS.security).map((f) => f.message)).toEqual(['selector b_total{job=~"$job"} lacks instance=~"$instance"']);
  });

  it('reads each selector\'s own matchers, not those of a selector after it', () => {
    const d = setExpr(base(), `sum(rate(a_total{job=~"$job"}[$__rate_interval])) / sum(rate(b_total{${sel}}[$__rate_interval]))`);
    expect(lintDashboard(d, LINT_EXCLUSIONS.security).map((f) => f.message)).toEqual(['selector a_total{job=~"$job"} lacks instance=~"$instance"']);
  });
});
