// Every PromQL query of every generated dashboard, as Grafana would send it with "All" selected.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OUTPUT_LAYOUT } from '@mcp-observability/catalog';
import { targetsOf, type PanelJson } from '../../dashboards/walk.js';
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

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.json') ? [full] : [];
  });
}


/** The generated dashboard files under a build's output folder. */
export const dashboardFiles = (outDir: string): string[] => walk(join(outDir, OUTPUT_LAYOUT.dashboardsDir));

export function dashboardQueries(root: string): PanelQuery[] {
  return dashboardFiles(root).flatMap((file) => {
    const dashboard = relative(root, file);
    return targetsOf(JSON.parse(readFileSync(file, 'utf8')) as { panels?: PanelJson[] }).map(({ panel, target }) => ({
      dashboard, panel: panel.title ?? '(untitled)', refId: target.refId ?? 'A', expr: substituteGrafanaVariables(target.expr!),
      exemplar: target.exemplar === true,
    }));
  });
}
