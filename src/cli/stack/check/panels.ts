// Every PromQL query of every generated dashboard, as Grafana would send it with "All" selected.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OUTPUT_LAYOUT } from '@mcp-observability/catalog';
import { substituteGrafanaVariables } from '../../promql/index.js';

export interface PanelQuery {
  /** dashboards/<profile>/<name>.json */
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  /** Grafana asks Prometheus for this target's exemplars too. */
  exemplar: boolean;
}

interface PanelJson {
  title?: string;
  targets?: { expr?: string; refId?: string; hide?: boolean; exemplar?: boolean }[];
  panels?: PanelJson[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.json') ? [full] : [];
  });
}

function panelQueries(dashboard: string, panels: readonly PanelJson[]): PanelQuery[] {
  return panels.flatMap((p) => [
    ...(p.targets ?? []).filter((t) => t.expr && !t.hide).map((t) => ({
      dashboard, panel: p.title ?? '(untitled)', refId: t.refId ?? 'A', expr: substituteGrafanaVariables(t.expr as string),
      exemplar: t.exemplar === true,
    })),
    // Collapsed rows carry their panels inside the row.
    ...panelQueries(dashboard, p.panels ?? []),
  ]);
}

/** The generated dashboard files under a build's output folder. */
export const dashboardFiles = (outDir: string): string[] => walk(join(outDir, OUTPUT_LAYOUT.dashboardsDir));

export function dashboardQueries(root: string): PanelQuery[] {
  return dashboardFiles(root).flatMap((file) => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { panels?: PanelJson[] };
    return panelQueries(relative(root, file), json.panels ?? []);
  });
}
