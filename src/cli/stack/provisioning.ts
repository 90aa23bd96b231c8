// Grafana file provisioning for the local stack: the Prometheus datasource with the uid every
// generated dashboard references (its exemplars' trace_id opening Jaeger), the Jaeger and
// VictoriaLogs datasources (log lines' trace_id opening Jaeger), and one dashboard provider per profile. Paths and URLs are
// Grafana env interpolations, so the same files serve docker-compose and native processes.
import { OUTPUT_LAYOUT, type Artifact } from '@mcp-observability/catalog';
import type { Config } from '../config/schema.js';
import { renderYaml } from './configs.js';

export const PROVISIONING_DIR = OUTPUT_LAYOUT.provisioningDir;

/** Variables the provisioning files read; whoever starts Grafana sets them. */
export const PROVISIONING_ENV = {
  prometheusUrl: 'PROMETHEUS_URL',
  dashboardsDir: 'MCP_DASHBOARDS_DIR',
  jaegerUrl: 'JAEGER_URL',
  victoriaLogsUrl: 'VICTORIALOGS_URL',
} as const;

/** Where the trace and log datasources point unless JAEGER_URL / VICTORIALOGS_URL say otherwise. */
export const DEFAULT_JAEGER_QUERY_PORT = 16686;
export const DEFAULT_VICTORIALOGS_PORT = 9428;

/** Datasource uids the trace links point at. */
export const JAEGER_DATASOURCE_UID = 'jaeger';
export const VICTORIALOGS_DATASOURCE_UID = 'victorialogs';
/** The VictoriaLogs plugin (Apache-2.0); Grafana installs it from GF_INSTALL_PLUGINS. */
export const VICTORIALOGS_PLUGIN = 'victoriametrics-logs-datasource';

// `$$` is a literal `$` in Grafana provisioning files (a single `$` is an environment interpolation).
const TRACE_LINK = '$${__value.raw}';

const yamlArtifact = (path: string, doc: unknown): Artifact => ({ path, content: renderYaml(doc) });

export function provisioningArtifacts(config: Config): Artifact[] {
  const datasource = {
    apiVersion: 1,
    datasources: [{
      name: 'Prometheus',
      uid: config.grafana.datasourceUid,
      type: 'prometheus',
      access: 'proxy',
      url: `\${${PROVISIONING_ENV.prometheusUrl}}`,
      isDefault: true,
      editable: false,
      jsonData: {
        httpMethod: 'POST',
        timeInterval: '15s',
        // Exemplars on the latency histogram carry trace_id: a click opens that trace in Jaeger.
        exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: JAEGER_DATASOURCE_UID, urlDisplayLabel: 'Trace in Jaeger' }],
      },
    }],
  };
  const tracesAndLogs = {
    apiVersion: 1,
    datasources: [
      {
        name: 'Jaeger',
        uid: JAEGER_DATASOURCE_UID,
        type: 'jaeger',
        access: 'proxy',
        url: `\${${PROVISIONING_ENV.jaegerUrl}}`,
        editable: false,
        jsonData: {
          // From a span to its log lines: LogsQL on the same trace id.
          tracesToLogsV2: { datasourceUid: VICTORIALOGS_DATASOURCE_UID, customQuery: true, query: 'trace_id:"$${__trace.traceId}"',
            spanStartTimeShift: '-5m', spanEndTimeShift: '5m' },
        },
      },
      {
        name: 'VictoriaLogs',
        uid: VICTORIALOGS_DATASOURCE_UID,
        type: VICTORIALOGS_PLUGIN,
        access: 'proxy',
        url: `\${${PROVISIONING_ENV.victoriaLogsUrl}}`,
        editable: false,
        jsonData: {
          // The library's log lines have a trace_id field: a link from each line to its trace.
          derivedFields: [{ name: 'trace_id', matcherType: 'label', matcherRegex: 'trace_id', url: TRACE_LINK,
            datasourceUid: JAEGER_DATASOURCE_UID, urlDisplayLabel: 'Trace in Jaeger' }],
        },
      },
    ],
  };
  const dashboards = {
    apiVersion: 1,
    providers: config.profiles.map((profile) => ({
      name: `mcp-observability-${profile}`,
      orgId: 1,
      type: 'file',
      folder: config.grafana.folder,
      folderUid: config.grafana.folderUid,
      // Removing a generated JSON removes the dashboard; edits belong in code, not the UI.
      disableDeletion: false,
      allowUiUpdates: false,
      updateIntervalSeconds: 10,
      options: { path: `\${${PROVISIONING_ENV.dashboardsDir}}/${profile}` },
    })),
  };
  return [
    yamlArtifact(`${PROVISIONING_DIR}/datasources/prometheus.yaml`, datasource),
    yamlArtifact(`${PROVISIONING_DIR}/datasources/traces-logs.yaml`, tracesAndLogs),
    yamlArtifact(`${PROVISIONING_DIR}/dashboards/mcp-observability.yaml`, dashboards),
  ];
}
