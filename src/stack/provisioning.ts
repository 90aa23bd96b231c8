// Grafana file provisioning for the local stack: the Prometheus datasource with the uid every
// generated dashboard references, and one dashboard provider per profile. Paths and URLs are
// Grafana env interpolations, so the same files serve docker-compose and native processes.
import type { Artifact } from '../build/artifact.js';
import type { Config } from '../config/schema.js';
import { renderYaml } from './configs.js';

export const PROVISIONING_DIR = 'stack/grafana/provisioning';

/** Variables the provisioning files read; whoever starts Grafana sets them. */
export const PROVISIONING_ENV = {
  prometheusUrl: 'PROMETHEUS_URL',
  dashboardsDir: 'MCP_DASHBOARDS_DIR',
} as const;

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
      jsonData: { httpMethod: 'POST', timeInterval: '15s' },
    }],
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
    yamlArtifact(`${PROVISIONING_DIR}/dashboards/mcp-observability.yaml`, dashboards),
  ];
}
