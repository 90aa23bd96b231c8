// The docker-compose flavour of the stack: service names and in-container paths that
// stack/docker-compose.yml uses, and the Prometheus/Alertmanager configs the build writes for it.
import { RULE_FILE_SUFFIX, type Artifact, type ProfileName } from '@mcp-observability/catalog';
import type { Config } from 'mcp-observability';
import { alertmanagerConfig, PORT_ENV, prometheusConfig, type StackPorts } from 'mcp-observability/stack';
import { SERVER_PORT_ENV, serverJob } from './reference.js';

export const COMPOSE_FILE = 'stack/docker-compose.yml';
export const COMPOSE_PROJECT = 'mcp-observability';

/** Compose service of the reference server of a profile (its simulator is `<service>-simulator`). */
export const serverService = (profile: ProfileName): string => (profile === 'otel' ? 'mcp-server-otel' : 'mcp-server');

/**
 * Ports inside the containers: every service listens on its default port. The servers,
 * simulators and Prometheus share the `mcp-server` network namespace (the reference server binds
 * loopback only), so Prometheus scrapes the servers on 127.0.0.1 as in native mode.
 */
export const COMPOSE_PORTS: Readonly<StackPorts> = Object.fromEntries(
  Object.entries(PORT_ENV).map(([key, { default: port }]) => [key, port]),
) as unknown as StackPorts;
/** The service whose network namespace the servers, simulators and Prometheus share. */
export const POD_SERVICE = 'mcp-server';

/** Where docker-compose.yml mounts the repository's alerts/ into the Prometheus container. */
export const COMPOSE_ALERTS_DIR = '/etc/prometheus/alerts';

export function composeArtifacts(config: Config): Artifact[] {
  const prometheus = prometheusConfig({
    interval: '15s',
    ruleFiles: config.profiles.map((p) => `${COMPOSE_ALERTS_DIR}/${p}/*${RULE_FILE_SUFFIX}`),
    alertmanager: `alertmanager:${COMPOSE_PORTS.alertmanager}`,
    targets: [
      { job: 'prometheus', address: `127.0.0.1:${COMPOSE_PORTS.prometheus}` },
      { job: 'alertmanager', address: `alertmanager:${COMPOSE_PORTS.alertmanager}` },
      { job: 'grafana', address: `grafana:${COMPOSE_PORTS.grafana}` },
      ...config.profiles.map((p) => ({ job: serverJob(p), address: `127.0.0.1:${SERVER_PORT_ENV[p].default}` })),
    ],
  });
  return [
    { path: 'stack/prometheus/prometheus.yml', content: prometheus },
    { path: 'stack/alertmanager/alertmanager.yml', content: alertmanagerConfig(`http://webhook:${COMPOSE_PORTS.webhook}`) },
  ];
}
