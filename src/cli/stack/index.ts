// The local stack as a library (`mcp-observability/stack`): what the CLI's up/check/down use, for
// programs that run their own MCP servers beside it (this repository's reference stack does).
export { alertmanagerConfig, prometheusConfig, renderYaml, type ScrapeTarget } from './configs.js';
export { checkData, checkServices, prometheusApi, runCheck, type CheckOptions } from './check/index.js';
export { getJson, sendJson } from './check/http.js';
export { checkEndpoint, type Progress } from './check/live.js';
export { alertmanagerAlerts, PrometheusApi } from './check/prometheus-api.js';
export { formatTable, passed, summary, type CheckRow } from './check/report.js';
export { grafanaHint } from './binaries.js';
export { intervalFor, nativeDown, nativeUp, type Log, type UpOptions } from './native.js';
export { DEFAULT_JAEGER_QUERY_PORT, DEFAULT_VICTORIALOGS_PORT } from './provisioning.js';
export { answers, pollUntil, sleep } from './readiness.js';
export { http, local, type ServiceSpec } from './services.js';
export { PORT_ENV, portFromEnv, stackSettings, type StackPorts, type StackSettings } from './settings.js';
export { readState, removeState, writeState, type StackState } from './state.js';
export { readNotifications, type AlertNotification } from './webhook.js';
