// `mcp-observability build [--config FILE] [--out DIR]`: dashboards, rules, promtool tests, runbook
// and Grafana provisioning into DIR, next to the user's own files there (see build/write.ts).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, formatBuildReport } from '../build/index.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from './usage-error.js';

export const BUILD_USAGE = `usage: mcp-observability build [--config FILE] [--out DIR]
  --config FILE  settings (YAML); default mcp-observability.config.yaml when it exists, else the defaults
  --out DIR      output folder (default: the current folder): DIR/dashboards, DIR/alerts (with runbook.md),
                 DIR/stack/grafana/provisioning and DIR/mcp-observability.manifest.json, the list of files the
                 build owns. It never overwrites or deletes a file it did not write.`;

export function buildCommand(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    throw new UsageError((err as Error).message, BUILD_USAGE);
  }
  if (values.help) {
    console.log(BUILD_USAGE);
    return 0;
  }
  const started = performance.now();
  const config = loadConfig(values.config);
  const outDir = resolve(values.out ?? '.');
  console.log(formatBuildReport(build(outDir, config), config, `into ${outDir}`, performance.now() - started));
  return 0;
}
