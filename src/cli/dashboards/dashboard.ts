// Assembles one dashboard from its rows of panels: shared variables, tags, links between the
// profile's dashboards, then (because the SDK assigns neither) unique panel ids and a grid layout.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Profile } from '@mcp-observability/catalog';
import type { Config } from '../config/schema.js';
import { SignalQueries } from '../promql/index.js';
import { GRID_WIDTH } from './panels.js';
import { RecordedQueries } from './recorded.js';
import { datasourceVariable, SCOPE, scopeVariables } from './variables.js';

export interface DashboardContext {
  config: Config;
  /** Signal queries scoped to the selected jobs and instances, summed across instances. */
  q: SignalQueries;
  /** The same, keeping the instance label (per-process panels). */
  perInstance: SignalQueries;
  /** Series the recording rules write, per job and tool: what fleet-wide panels read. */
  recorded: RecordedQueries;
}

/** A panel, or false where the profile lacks the signals it reads (omitted). */
export type MaybePanel = cog.Builder<dashboard.Panel> | false;

export interface RowSpec {
  title: string;
  panels: readonly MaybePanel[];
}

export interface DashboardSpec {
  /** File name and uid suffix. */
  name: string;
  title: string;
  description: string;
  rows(ctx: DashboardContext): RowSpec[];
}

/** The dashboard JSON as Grafana imports it. */
export type DashboardJson = dashboard.Dashboard;

export function dashboardUid(profile: Profile, name: string): string {
  return profile.name === 'prom-client' ? `mcp-${name}` : `mcp-${profile.name}-${name}`;
}

export function dashboardTitle(profile: Profile, title: string): string {
  return profile.name === 'prom-client' ? `MCP / ${title}` : `MCP (OpenTelemetry) / ${title}`;
}

export function createContext(config: Config, profile: Profile): DashboardContext {
  // Raw series are scoped by the config's selector as well as the variables, so "All" means all MCP
  // servers, not every job that exports the same runtime metrics. Recorded series are scoped already.
  const scope = [config.selector, ...SCOPE];
  const q = new SignalQueries(profile, scope, []);
  return { config, q, perInstance: new SignalQueries(profile, scope, ['instance']), recorded: new RecordedQueries(q) };
}

/**
 * Numbers every panel and row from 1 and lays panels out left to right, wrapping before a panel
 * would cross the 24-column grid (the SDK wraps only after crossing it).
 */
function layout(d: DashboardJson): DashboardJson {
  let id = 1;
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  for (const panel of d.panels ?? []) {
    const grid = panel.gridPos ?? { x: 0, y: 0, w: GRID_WIDTH, h: 8 };
    panel.id = id++;
    if (panel.type === 'row') {
      y += lineHeight;
      panel.gridPos = { x: 0, y, w: GRID_WIDTH, h: 1 };
      y += 1;
      x = 0;
      lineHeight = 0;
      continue;
    }
    if (x + grid.w > GRID_WIDTH) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    panel.gridPos = { x, y, w: grid.w, h: grid.h };
    x += grid.w;
    lineHeight = Math.max(lineHeight, grid.h);
  }
  return d;
}

/**
 * @param siblings every dashboard of the same profile (links go to all but this one)
 */
export function buildDashboard(spec: DashboardSpec, profile: Profile, config: Config, siblings: readonly DashboardSpec[]): DashboardJson {
  const ctx = createContext(config, profile);
  const builder = new dashboard.DashboardBuilder(dashboardTitle(profile, spec.title))
    .uid(dashboardUid(profile, spec.name))
    .description(spec.description)
    .tags(config.grafana.tags)
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(datasourceVariable(config.grafana.datasourceUid));
  for (const variable of scopeVariables(ctx.q, ctx.config.selector)) builder.withVariable(variable);
  for (const other of siblings.filter((s) => s.name !== spec.name)) {
    builder.link(new dashboard.DashboardLinkBuilder(other.title)
      .type(dashboard.DashboardLinkType.Link)
      .url(`/d/${dashboardUid(profile, other.name)}`)
      .tooltip(other.description)
      .icon('dashboard')
      .keepTime(true)
      .includeVars(true));
  }
  for (const row of spec.rows(ctx)) {
    const panels = row.panels.filter((p): p is cog.Builder<dashboard.Panel> => p !== false);
    if (panels.length === 0) continue; // a row whose signals the profile lacks entirely
    builder.withRow(new dashboard.RowBuilder(row.title));
    for (const panel of panels) builder.withPanel(panel);
  }
  // JSON round trip drops the SDK's function members (they would trip YAML dumps and deep equality).
  return layout(JSON.parse(JSON.stringify(builder.build())) as DashboardJson);
}
