// The real entry point (`npm run publish` runs scripts/publish.ts with tsx): help, exit codes
// for usage errors, and no secret in the output of a failing run.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FIXTURES, TOKEN } from './helpers.js';

const publish = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'publish', ...args], { reject: false, env: { GRAFANA_URL: '', GRAFANA_TOKEN: '', ...env }, extendEnv: true });

describe('publish CLI', () => {
  it('--help documents every flag and variable and exits 0', async () => {
    const r = await publish(['--help']);
    expect(r.exitCode).toBe(0);
    for (const word of ['--dry-run', '--prune', '--adopt', '--editable', '--dashboards', '--grafana-alerts', '--ruler', '--rules-dir',
      '--prometheus-url', '--profile', '--message', '--root', '--config', '--retries', '--timeout', '--grafana-url', '--org-id',
      '--ruler-url', '--ruler-tenant', '--ruler-api-path', 'GRAFANA_URL', 'GRAFANA_TOKEN', 'GRAFANA_USER', 'GRAFANA_PASSWORD',
      'GRAFANA_ORG_ID', 'MIMIR_URL', 'MIMIR_TENANT', 'MIMIR_TOKEN', 'Exit codes']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('exits 2 on usage and configuration errors, before sending anything', async () => {
    const missingUrl = await publish(['--root', FIXTURES], { GRAFANA_TOKEN: TOKEN });
    expect(missingUrl.exitCode).toBe(2);
    expect(missingUrl.stderr).toContain('Grafana URL missing: set GRAFANA_URL or pass --grafana-url');
    const badFlag = await publish(['--frobnicate']);
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toContain("Unknown option '--frobnicate'");
    const badProfile = await publish(['--profile', 'statsd'], { GRAFANA_URL: 'http://127.0.0.1:9', GRAFANA_TOKEN: TOKEN });
    expect(badProfile.exitCode).toBe(2);
    expect(badProfile.stderr).toContain('--profile: expected prom-client or otel');
  });

  it('exits 1 when Grafana cannot be reached, and never prints the token', async () => {
    const r = await publish(['--root', FIXTURES, '--retries', '0', '--timeout', '2'], { GRAFANA_URL: 'http://127.0.0.1:9', GRAFANA_TOKEN: TOKEN });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('FAILED');
    expect(`${r.stdout}\n${r.stderr}`).not.toContain(TOKEN);
  });
});

describe('examples/ci/github-actions.yml', () => {
  it('every publish command in the example parses as valid flags', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseOptions } = await import('../../src/cli/publish/options.js');
    const workflow = readFileSync('examples/ci/github-actions.yml', 'utf8');
    const vars = { OBS_CONFIG: 'observability/config.yaml', OBS_OUT: 'observability' };
    expect(workflow).toContain(`OBS_CONFIG: ${vars.OBS_CONFIG}`);
    const commands = [...workflow.matchAll(/npx mcp-observability publish (.+)$/gm)]
      .map((m) => m[1]!.replace(/\$(OBS_CONFIG|OBS_OUT)/g, (_, name: keyof typeof vars) => vars[name]));
    expect(commands.length).toBe(3);
    const env = { GRAFANA_URL: 'https://grafana.example.com', GRAFANA_TOKEN: TOKEN, MIMIR_URL: 'https://mimir.example.com', MIMIR_TENANT: 't' };
    for (const command of commands) {
      const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      expect(() => parseOptions(args, env)).not.toThrow();
    }
  });
});
