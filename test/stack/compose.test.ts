// The compose stack cannot run here (no Docker engine), so it is checked statically: services,
// healthchecks, mounts, ports and provisioning paths must agree with native mode and the build.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/build/index.js';
import { validateConfig } from '../../src/cli/config/load.js';
import { COMPOSE_FILE, COMPOSE_PORTS, POD_SERVICE, composeArtifacts, serverService } from '../../src/stack-runtime/compose.js';
import { PROVISIONING_DIR, PROVISIONING_ENV } from '../../src/cli/stack/provisioning.js';
import { STACK_JWT_SECRET } from '../../src/stack-runtime/auth.js';
import { PORT_ENV } from '../../src/cli/stack/settings.js';
import { SERVER_PORT_ENV, serverJob } from '../../src/stack-runtime/reference.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test?: string[] };
}

const root = resolve(import.meta.dirname, '../..');
const stackDir = join(root, 'stack');
const compose = yaml.load(readFileSync(join(root, COMPOSE_FILE), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const config = validateConfig({});

describe('stack/docker-compose.yml', () => {
  it('defines every service the check expects, each with a healthcheck', () => {
    const expected = ['prometheus', 'alertmanager', 'grafana', 'webhook',
      ...config.profiles.flatMap((p) => [serverService(p), `${serverService(p)}-simulator`])];
    expect(Object.keys(services).sort()).toEqual([...expected].sort());
    for (const [name, s] of Object.entries(services)) {
      expect(s.healthcheck?.test?.[0], `${name} healthcheck`).toBe('CMD');
      expect(s.healthcheck?.test?.length, `${name} healthcheck command`).toBeGreaterThan(2);
    }
  });

  it('mounts only files and folders that exist', () => {
    const binds = Object.values(services).flatMap((s) => s.volumes ?? []).map((v) => v.split(':')[0] as string)
      .filter((source) => source.startsWith('.'));
    expect(binds.length).toBeGreaterThanOrEqual(5);
    for (const source of binds) expect(existsSync(resolve(stackDir, source)), source).toBe(true);
  });

  it('builds the repository image from a Dockerfile whose copied paths exist, and runs scripts that exist', () => {
    const built = services[POD_SERVICE]?.build;
    expect(built).toBeDefined();
    const dockerfile = readFileSync(resolve(stackDir, built!.context, built!.dockerfile), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(' '));
    for (const path of copied) expect(existsSync(join(root, path)), `Dockerfile COPY ${path}`).toBe(true);
    for (const s of Object.values(services)) {
      const script = s.command?.find((a) => a.startsWith('src/'));
      if (script) expect(existsSync(join(root, script)), script).toBe(true);
    }
  });

  it('publishes ports on 127.0.0.1 from the same MCP_STACK_* variables and defaults as native mode', () => {
    const published = (service: string) => services[service]?.ports ?? [];
    const expectPort = (service: string, key: keyof typeof PORT_ENV) =>
      expect(published(service)).toContain(`127.0.0.1:\${${PORT_ENV[key].env}:-${PORT_ENV[key].default}}:${COMPOSE_PORTS[key]}`);
    expectPort(POD_SERVICE, 'prometheus');
    expectPort('alertmanager', 'alertmanager');
    expectPort('grafana', 'grafana');
    expectPort('webhook', 'webhook');
    // Servers, simulators and Prometheus share the pod namespace, where the servers listen on loopback.
    for (const name of ['prometheus', ...config.profiles.flatMap((p) => [`${serverService(p)}-simulator`])]) {
      expect(services[name]?.network_mode, name).toBe(`service:${POD_SERVICE}`);
    }
    for (const p of config.profiles) {
      const cmd = services[serverService(p)]?.command ?? [];
      expect(cmd.slice(cmd.indexOf('--port'), cmd.indexOf('--port') + 2)).toEqual(['--port', String(SERVER_PORT_ENV[p].default)]);
      expect(cmd.slice(cmd.indexOf('--profile'), cmd.indexOf('--profile') + 2)).toEqual(['--profile', p]);
      // Servers verify JWTs with the stack secret; simulators mint theirs with it at start.
      expect(services[serverService(p)]?.environment?.MCP_JWT_SECRET).toBe(STACK_JWT_SECRET);
      const simulator = services[`${serverService(p)}-simulator`];
      expect(simulator?.environment?.MCP_JWT_SECRET).toBe(STACK_JWT_SECRET);
      expect(simulator?.entrypoint?.join(' ')).toMatch(/MCP_AUTH_TOKEN=\$\$\(node --import tsx src\/sample-server\/mint-token-bin\.ts .+\) exec "\$\$@"/);
    }
  });

  it('gives Grafana the provisioning the build writes, with the variables it interpolates', () => {
    const grafana = services.grafana as Service;
    const mount = (target: string) => grafana.volumes?.find((v) => v.split(':')[1] === target)?.split(':')[0];
    expect(resolve(stackDir, mount('/etc/grafana/provisioning') ?? '')).toBe(join(root, PROVISIONING_DIR));
    const dashboardsDir = grafana.environment?.[PROVISIONING_ENV.dashboardsDir] as string;
    expect(resolve(stackDir, mount(dashboardsDir) ?? '')).toBe(join(root, 'dashboards'));
    expect(grafana.environment?.[PROVISIONING_ENV.prometheusUrl]).toBe(`http://${POD_SERVICE}:${COMPOSE_PORTS.prometheus}`);
    const provisioning = generate(config).filter((a) => a.path.startsWith(PROVISIONING_DIR));
    expect(provisioning.map((a) => a.path).sort()).toEqual([
      `${PROVISIONING_DIR}/dashboards/mcp-observability.yaml`, `${PROVISIONING_DIR}/datasources/prometheus.yaml`,
      `${PROVISIONING_DIR}/datasources/traces-logs.yaml`]);
    for (const a of provisioning) {
      expect(readFileSync(join(root, a.path), 'utf8'), `${a.path} is stale: npm run build`).toBe(a.content);
      for (const [, name] of a.content.matchAll(/\$\{(\w+)\}/g)) {
        expect(Object.values(PROVISIONING_ENV)).toContain(name);
        expect(grafana.environment?.[name as string], `${name} set for Grafana`).toBeDefined();
      }
    }
    const datasource = yaml.load(provisioning.find((a) => a.path.includes('datasources'))!.content) as { datasources: { uid: string }[] };
    expect(datasource.datasources[0]?.uid).toBe(config.grafana.datasourceUid);
  });

  it('mounts the committed Prometheus/Alertmanager configs, which scrape every job native mode scrapes and load alerts/', async () => {
    for (const a of composeArtifacts(config)) {
      expect(readFileSync(join(root, a.path), 'utf8'), `${a.path} is stale: npm run build`).toBe(a.content);
    }
    const prom = yaml.load(readFileSync(join(stackDir, 'prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prom.scrape_configs.map((s) => s.job_name).sort()).toEqual(
      ['alertmanager', 'grafana', 'prometheus', ...config.profiles.map(serverJob)].sort());
    for (const p of config.profiles) {
      const job = prom.scrape_configs.find((s) => s.job_name === serverJob(p));
      expect(job?.static_configs[0]?.targets).toEqual([`127.0.0.1:${SERVER_PORT_ENV[p].default}`]);
    }
    const alertsMount = services.prometheus?.volumes?.find((v) => v.startsWith('../alerts:'))?.split(':')[1];
    for (const glob of prom.rule_files) expect(glob.startsWith(`${alertsMount}/`), glob).toBe(true);
    await execa('promtool', ['check', 'config', '--syntax-only', join(stackDir, 'prometheus/prometheus.yml')]);
    await execa('amtool', ['check-config', join(stackDir, 'alertmanager/alertmanager.yml')]);
  });
});
