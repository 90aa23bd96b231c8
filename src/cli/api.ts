// The CLI's generators as a library (`import … from 'mcp-observability'`): load a config, generate
// or build the artifacts, and the PromQL helpers the rules and dashboards are made with.
export { build, formatBuildReport, generate } from './build/index.js';
export { OwnershipError, writeArtifacts, type WriteReport } from './build/write.js';
export { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, validateConfig } from './config/load.js';
export type { Config, ConfigInput } from './config/schema.js';
export { SignalQueries, substituteGrafanaVariables } from './promql/index.js';
