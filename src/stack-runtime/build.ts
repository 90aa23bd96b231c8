// `npm run build` of this repository: the CLI's build of the default config into the repository
// root, plus the Prometheus and Alertmanager configs of the reference stack's docker-compose file.
import { build, ConfigError, loadConfig } from 'mcp-observability';
import { composeArtifacts } from './compose.js';

try {
  const started = performance.now();
  const config = loadConfig();
  const report = build(process.cwd(), config, composeArtifacts(config));
  for (const path of report.written) console.log(`wrote    ${path}`);
  for (const path of report.removed) console.log(`removed  ${path}`);
  for (const path of report.kept) console.log(`kept     ${path} (no longer generated, but changed by hand)`);
  console.log(`build: ${report.written.length} written, ${report.unchanged.length} unchanged, ${report.removed.length} removed ` +
    `(profiles: ${config.profiles.join(', ')}) in ${Math.round(performance.now() - started)} ms`);
} catch (err) {
  console.error(`error: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
