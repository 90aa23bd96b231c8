// The packages as a user gets them: `npm pack` of each published workspace, installed from the
// tarballs into a fresh project outside the repository (no workspace links, no tsx, none of the
// repository's source conditions), with the user's own, older MCP SDK 1.x.
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from '../peers/support/process.js';
import { isRunning, wrapPids } from '../relay/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_LAYOUT } from '../../src/catalog/index.js';
import { startFakeGrafana, type FakeGrafana } from '../publish/fake-grafana.js';

const REPO = resolve(import.meta.dirname, '../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
/** The oldest SDK the instrumentation's peer range admits: the user's own copy must be the only one. */
const USER_SDK = '1.24.0';
const PUBLISHED = ['src/catalog', 'src/instrument', 'src/cli'] as const;
const FOOTPRINT_LIMIT_BYTES = 15 * 1024 * 1024;

// The repository's tests run with the source condition in NODE_OPTIONS; a user has none.
const { NODE_OPTIONS: _repoOnly, ...userEnv } = process.env;
const run = (file: string, args: readonly string[], cwd: string, env: Record<string, string> = {}) =>
  execa(file, args, { cwd, env: { ...userEnv, ...env }, extendEnv: false, reject: false, all: true, timeout: 240_000 });

let project: string;
let tarballs: Record<string, string>;


function packageDir(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(dir) || dir === dirname(project)) return undefined;
  }
}

/** Installed package folders a package pulls in (its dependencies, recursively). */
function closure(root: string, seen = new Set<string>()): Set<string> {
  if (seen.has(root)) return seen;
  seen.add(root);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const dir = packageDir(root, dep);
    if (dir) closure(dir, seen);
  }
  return seen;
}

function bytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).filter((n) => n !== 'node_modules').reduce((sum, n) => sum + bytes(join(path, n)), 0);
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mcp-obs-consumer-'));
  const packs = join(project, 'packs');
  mkdirSync(packs);
  // npm pack runs each package's prepack, which compiles it.
  const packed = await run('npm', ['pack', '--pack-destination', packs, ...PUBLISHED.flatMap((w) => ['-w', w])], REPO);
  expect(packed.exitCode, packed.all).toBe(0);
  tarballs = Object.fromEntries(readdirSync(packs).map((f) => [f.replace(/-\d+\.\d+\.\d+\.tgz$/, ''), join(packs, f)]));
  expect(Object.keys(tarballs).sort()).toEqual(['mcp-observability', 'mcp-observability-catalog', 'mcp-observability-instrument']);
  const local = (name: string) => `file:${tarballs[name]}`;
  const app = join(project, 'app');
  mkdirSync(app);
  cpSync(FIXTURES, app, { recursive: true });
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({
    name: 'my-mcp-server', private: true, type: 'module',
    dependencies: {
      '@modelcontextprotocol/sdk': USER_SDK, zod: '^3.25.0',
      '@mcp-observability/instrument': local('mcp-observability-instrument'),
      '@mcp-observability/catalog': local('mcp-observability-catalog'),
    },
    devDependencies: {
      'mcp-observability': local('mcp-observability'),
      typescript: '~5.9.3', typescript7: 'npm:typescript@^7.0.2', '@types/node': '^20.19.0',
    },
  }, null, 2)}\n`);
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
  expect(installed.exitCode, installed.all).toBe(0);
  project = app;
}, 600_000);

afterAll(() => {
  if (project) rmSync(dirname(project), { recursive: true, force: true });
});

describe('a user project that installed the tarballs', () => {
  it('adds at most 15 MB beyond the SDK and no package with an install script', () => {
    const instrument = closure(join(project, 'node_modules/@mcp-observability/instrument'));
    const sdk = closure(join(project, 'node_modules/@modelcontextprotocol/sdk'));
    const added = [...instrument].filter((dir) => !sdk.has(dir));
    const total = added.reduce((sum, dir) => sum + bytes(dir), 0);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const scripted = added.map((dir) => dir.slice(project.length + 1)).filter((key) => lock.packages[key]?.hasInstallScript);
    console.log(`instrumentation footprint beyond the SDK: ${(total / 1024 / 1024).toFixed(2)} MB in ${added.length} packages ` +
      `(${added.map((d) => d.slice(d.lastIndexOf('node_modules/') + 13)).sort().join(', ')})`);
    expect(scripted).toEqual([]);
    expect(total).toBeLessThanOrEqual(FOOTPRINT_LIMIT_BYTES);
  });

  it(`keeps one copy of the SDK: the user's own ${USER_SDK}`, async () => {
    const listed = await run('npm', ['ls', '@modelcontextprotocol/sdk', '--all', '--parseable', '--long'], project);
    const copies = listed.stdout.split('\n').filter((l) => l.includes('@modelcontextprotocol/sdk@'));
    expect(copies, listed.all).toHaveLength(1);
    expect(copies[0]).toContain(`@modelcontextprotocol/sdk@${USER_SDK}`);
  });

  it('runs a plain-Node stdio server instrumented by name: a real client calls a tool, /metrics shows it', async () => {
    const metricsPort = await freePort();
    const transport = new StdioClientTransport({
      command: process.execPath, args: ['server.mjs', 'stdio'], cwd: project, stderr: 'pipe',
      env: { ...userEnv, METRICS_PORT: String(metricsPort) } as Record<string, string>,
    });
    const client = new Client({ name: 'consumer-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'forecast', arguments: { city: 'Oslo' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Oslo: sunny' }]);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/^mcp_tool_invocations_total\{[^}]*tool="forecast"[^}]*status="ok"[^}]*\} 1$/m);
    } finally {
      await client.close();
    }
  });

  it('wraps a stdio server with npx mcp-observability wrap, as a client configuration does: the call passes, the wrapper\'s /metrics shows it', async () => {
    const [wrapMetrics, serverMetrics] = [await freePort(), await freePort()];
    const transport = new StdioClientTransport({
      command: 'npx', args: ['mcp-observability', 'wrap', '--metrics-port', String(wrapMetrics), '--', process.execPath, 'server.mjs', 'stdio'],
      cwd: project, stderr: 'pipe', env: { ...userEnv, METRICS_PORT: String(serverMetrics) } as Record<string, string>,
    });
    let stderr = '';
    transport.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const client = new Client({ name: 'consumer-wrap', version: '1.0.0' });
    await client.connect(transport);
    let wrap = { launcher: 0, relay: 0 };
    try {
      await client.listTools();
      const result = await client.callTool({ name: 'forecast', arguments: { city: 'Quito' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Quito: sunny' }]);
      const metrics = await (await fetch(`http://127.0.0.1:${wrapMetrics}/metrics`)).text();
      expect(metrics).toMatch(/^mcp_tool_invocations_total\{[^}]*tool="forecast"[^}]*status="ok"[^}]*\} 1$/m);
      expect(metrics).toMatch(/^mcp_handshakes_total\{[^}]*client_name="consumer-wrap"[^}]*\} 1$/m);
      wrap = wrapPids(stderr);
    } finally {
      await client.close();
    }
    // The client signals npx, which does not pass it on: the wrapper must still end, and its server with it.
    expect(wrap.launcher).toBeGreaterThan(0);
    expect(wrap.relay).toBeGreaterThan(0);
    await expect.poll(() => isRunning(wrap.launcher) || isRunning(wrap.relay), { timeout: 20_000, interval: 250 }).toBe(false);
  });

  it('runs a plain-Node Streamable HTTP server instrumented by name: a real client calls a tool, /metrics shows it', async () => {
    const port = await freePort();
    const server = execa(process.execPath, ['server.mjs', 'http'], { cwd: project, env: { ...userEnv, PORT: String(port) }, extendEnv: false, reject: false });
    try {
      await new Promise<void>((ready, fail) => {
        server.stderr?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening')) ready(); });
        void server.then((r) => fail(new Error(`server exited: ${r.stderr}`)));
      });
      const client = new Client({ name: 'consumer-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      const result = await client.callTool({ name: 'forecast', arguments: { city: 'Lima' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Lima: sunny' }]);
      await client.close();
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^mcp_tool_invocations_total\{[^}]*tool="forecast"[^}]*status="ok"[^}]*\} 1$/m);
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  });

  it('proxies that server with the installed mcp-observability proxy: the call passes, the proxy\'s /metrics shows it, SIGTERM ends it cleanly', async () => {
    const [port, proxyPort, proxyMetrics] = [await freePort(), await freePort(), await freePort()];
    const server = execa(process.execPath, ['server.mjs', 'http'], { cwd: project, env: { ...userEnv, PORT: String(port) }, extendEnv: false, reject: false });
    // The installed bin itself, not npx: SIGTERM must reach the proxy.
    const proxy = execa(join(project, 'node_modules', '.bin', 'mcp-observability'),
      ['proxy', '--upstream', `http://127.0.0.1:${port}/mcp`, '--listen', `127.0.0.1:${proxyPort}`, '--metrics-port', String(proxyMetrics), '--log-level', 'warning'],
      { cwd: project, env: userEnv, extendEnv: false, reject: false });
    try {
      await Promise.all([server, proxy].map((child) => new Promise<void>((ready, fail) => {
        child.stderr?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening')) ready(); });
        void child.then((r) => fail(new Error(`exited: ${r.stderr}`)));
      })));
      const client = new Client({ name: 'consumer-proxy', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${proxyPort}/mcp`)));
      // The proxy learns the tool names (its label values) from tools/list, as a client's first call.
      await client.listTools();
      const result = await client.callTool({ name: 'forecast', arguments: { city: 'Cusco' } });
      expect(result.content).toEqual([{ type: 'text', text: 'Cusco: sunny' }]);
      await client.close();
      const metrics = await (await fetch(`http://127.0.0.1:${proxyMetrics}/metrics`)).text();
      expect(metrics).toMatch(/^mcp_tool_invocations_total\{[^}]*tool="forecast"[^}]*status="ok"[^}]*\} 1$/m);
      expect(metrics).toMatch(/^mcp_handshakes_total\{[^}]*client_name="consumer-proxy"[^}]*\} 1$/m);
      proxy.kill('SIGTERM');
      expect((await proxy).exitCode).toBe(0);
    } finally {
      proxy.kill('SIGKILL');
      server.kill('SIGTERM');
      await server;
    }
  });

  for (const [typescript, tsc] of [['5', 'node_modules/typescript/bin/tsc'], ['7', 'node_modules/typescript7/bin/tsc']] as const) {
    for (const resolution of ['nodenext', 'bundler'] as const) {
      it(`type-checks a strict consumer under TypeScript ${typescript} with moduleResolution ${resolution}`, async () => {
        const checked = await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], project);
        expect(checked.all).toBe('');
        expect(checked.exitCode).toBe(0);
      });
    }
  }
});

describe('npx mcp-observability in the user project', () => {
  const out = () => join(project, 'obs');
  const own = ['dashboards/team/my-own.json', 'alerts/custom.rules.yaml', 'stack/prometheus/extra.yml'];

  it('builds a partial config into the user folder, next to hand-written files, and a second run writes nothing', async () => {
    for (const file of own) {
      mkdirSync(dirname(join(out(), file)), { recursive: true });
      writeFileSync(join(out(), file), `# mine: ${file}\n`);
    }
    mkdirSync(join(project, 'docs'), { recursive: true });
    writeFileSync(join(project, 'docs/runbook.md'), '# our own runbook\n');
    const first = await run('npx', ['mcp-observability', 'build', '--config', 'obs.yaml', '--out', 'obs'], project);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.stdout).not.toMatch(/^removed/m);
    for (const file of own) expect(readFileSync(join(out(), file), 'utf8')).toBe(`# mine: ${file}\n`);
    expect(readFileSync(join(project, 'docs/runbook.md'), 'utf8')).toBe('# our own runbook\n');
    // The partial override kept its siblings' defaults, and the selector reached the dashboards.
    const resources = readFileSync(join(out(), 'alerts/prom-client/resources.rules.yaml'), 'utf8');
    expect(resources).toContain('> 0.9');
    const performance = readFileSync(join(out(), 'dashboards/prom-client/performance.json'), 'utf8');
    expect(performance).toContain('label_values(mcp_requests_total{job=\\"consumer\\"}, job)');
    expect(existsSync(join(out(), OUTPUT_LAYOUT.runbook))).toBe(true);
    expect(existsSync(join(out(), 'dashboards/otel'))).toBe(false);
    const tree = (await run('find', ['obs', '-type', 'f'], project)).stdout.split('\n').sort();
    console.log(`consumer output after the first build (${tree.length} files):\n${tree.join('\n')}`);

    const second = await run('npx', ['mcp-observability', 'build', '--config', 'obs.yaml', '--out', 'obs'], project);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.stdout).toMatch(/^build: 0 written, \d+ unchanged, 0 removed/m);
  });

  it('refuses to overwrite a generated file the user changed, naming it, and changes nothing', async () => {
    const edited = join(out(), 'alerts/prom-client/tools.rules.yaml');
    const before = readFileSync(edited, 'utf8');
    writeFileSync(edited, `${before}# my edit\n`);
    const build = await run('npx', ['mcp-observability', 'build', '--config', 'obs.yaml', '--out', 'obs'], project);
    expect(build.exitCode).toBe(2);
    expect(build.stderr).toContain('alerts/prom-client/tools.rules.yaml');
    expect(build.stderr).toContain('Move or rename them');
    expect(readFileSync(edited, 'utf8')).toBe(`${before}# my edit\n`);
    writeFileSync(edited, before);
  });

  describe('publish', () => {
    let grafana: FakeGrafana;
    beforeAll(async () => { grafana = await startFakeGrafana({ token: 'glsa_consumer_test' }); });
    afterAll(async () => { await grafana.close(); });

    it('plans the dashboards against a Grafana (--dry-run) and sends no write', async () => {
      const planned = await run('npx', ['mcp-observability', 'publish', '--dry-run', '--config', 'obs.yaml', '--root', 'obs'], project,
        { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: 'glsa_consumer_test' });
      expect(planned.exitCode, planned.all).toBe(0);
      expect(planned.stdout).toMatch(/create/);
      expect(grafana.mutatingRequests()).toEqual([]);
    });
  });
});
