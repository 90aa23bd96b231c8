// The docker-compose flavour of the stack: service names and in-container paths that
// stack/docker-compose.yml uses, and the Prometheus/Alertmanager configs the build writes for it.
import type { Artifact } from '../build/artifact.js';
import type { ProfileName } from '../catalog/index.js';
import type { Config } from '../config/schema.js';
import { alertmanagerConfig, prometheusConfig } from './configs.js';
import { PORT_ENV, serverJob } from './settings.js';

export const COMPOSE_FILE = 'stack/docker-compose.yml';
export const COMPOSE_PROJECT = 'mcp-observability';

/** Compose service of the reference server of a profile (its simulator is `<service>-simulator`). */
export const serverService = (profile: ProfileName): string => (profile === 'otel' ? 'mcp-server-otel' : 'mcp-server');

/** Ports inside the compose network: every service listens on its default port there. */
export const COMPOSE_PORTS = {
  prometheus: PORT_ENV.prometheus.default,
  alertmanager: PORT_ENV.alertmanager.default,
  grafana: PORT_ENV.grafana.default,
  server: PORT_ENV.server.default,
  webhook: PORT_ENV.webhook.default,
} as const;

/** Where docker-compose.yml mounts the repository's alerts/ into the Prometheus container. */
export const COMPOSE_ALERTS_DIR = '/etc/prometheus/alerts';

export function composeArtifacts(config: Config): Artifact[] {
  const prometheus = prometheusConfig({
    interval: '15s',
    ruleFiles: config.profiles.map((p) => `${COMPOSE_ALERTS_DIR}/${p}/*.rules.yaml`),
    alertmanager: `alertmanager:${COMPOSE_PORTS.alertmanager}`,
    targets: [
      { job: 'prometheus', address: `localhost:${COMPOSE_PORTS.prometheus}` },
      { job: 'alertmanager', address: `alertmanager:${COMPOSE_PORTS.alertmanager}` },
      { job: 'grafana', address: `grafana:${COMPOSE_PORTS.grafana}` },
      ...config.profiles.map((p) => ({ job: serverJob(p), address: `${serverService(p)}:${COMPOSE_PORTS.server}` })),
    ],
  });
  return [
    { path: 'stack/prometheus/prometheus.yml', content: prometheus },
    { path: 'stack/alertmanager/alertmanager.yml', content: alertmanagerConfig(`http://webhook:${COMPOSE_PORTS.webhook}`) },
  ];
}
