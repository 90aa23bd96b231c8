// `npm run build` of this repository: the CLI's build of the default config into the repository
// root, plus the Prometheus and Alertmanager configs of the reference stack's docker-compose file.
import { build, ConfigError, formatBuildReport, loadConfig } from 'mcp-observability';
import { composeArtifacts } from './compose.js';

try {
  const started = performance.now();
  const config = loadConfig();
  const report = build(process.cwd(), config, composeArtifacts(config));
  console.log(formatBuildReport(report, config, 'with the reference stack\'s compose configs', performance.now() - started));
} catch (err) {
  console.error(`error: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
