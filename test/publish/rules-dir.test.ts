// --rules-dir against a real Prometheus: copy the rule files where its rule_files glob looks,
// reload it through /-/reload, and check through its API that the groups are loaded.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers.js';

/** The pinned Prometheus from the peers build when there is one, else the system's. */
function prometheusBin(): string {
  const manifest = join(homedir(), '.cache/mcp-observability/peers/peers.json');
  if (existsSync(manifest)) {
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { prometheus?: { bin?: string } }).prometheus?.bin;
    if (bin && existsSync(bin)) return bin;
  }
  return 'prometheus';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let prometheus: ResultPromise | undefined;
let url = '';
const work = mkdtempSync(join(tmpdir(), 'publish-prom-'));
const rulesDir = join(work, 'rules');

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(join(work, 'prometheus.yml'), `global:\n  evaluation_interval: 1m\nrule_files:\n  - ${rulesDir}/*.rules.yaml\n`);
  prometheus = execa(prometheusBin(), [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle'], { reject: false });
  for (let i = 0; i < 60; i++) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Prometheus did not become ready at ${url}`);
});

afterAll(async () => {
  if (prometheus?.pid) process.kill(prometheus.pid, 'SIGTERM');
  await prometheus;
});

describe('publish --rules-dir to a real Prometheus', () => {
  it('copies the rule files, reloads Prometheus, and the groups are loaded; the second run changes nothing', async () => {
    const r = await run(['--rules-dir', rulesDir, '--prometheus-url', url], {});
    expect(r.code).toBe(0);
    expect(existsSync(join(rulesDir, 'tools.rules.yaml'))).toBe(true);
    expect(r.out).toMatch(/prometheus\s+http:\/\/127\.0\.0\.1:\d+\/-\/reload\s+update\s+ok/);
    const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { name: string }[] }[] } };
    expect(rules.data.groups.map((g) => g.name).sort()).toEqual(['mcp-tools-alerts', 'mcp-tools-recording']);
    expect(rules.data.groups.find((g) => g.name === 'mcp-tools-alerts')!.rules.map((x) => x.name)).toContain('McpServerDown');

    const again = await run(['--rules-dir', rulesDir, '--prometheus-url', url], {});
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/summary: 0 created, 0 updated, 1 unchanged/);
    expect(again.out).not.toContain('/-/reload');
  });

  it('without --prometheus-url it tells the user to reload Prometheus', async () => {
    const r = await run(['--rules-dir', join(work, 'other')], {});
    expect(r.code).toBe(0);
    expect(r.out).toContain('reload Prometheus to load the new rules: kill -HUP <pid>, or POST /-/reload');
  });
});
