// End to end on the native path: `up --drill`, `check` with every drill, `down`, on free ports
// and a private run directory (so a developer's stack, or another engineer's run of this test on
// the same machine, is untouched); afterwards no recorded process may be left.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { freePort } from '../peers/support/process.js';
import { afterAll, describe, expect, it } from 'vitest';
import { DRILL_NAMES } from '../../src/stack-runtime/check/drills.js';
import { processStartTicks } from '../../src/cli/stack/procfs.js';
import { sleep } from '../../src/cli/stack/readiness.js';
import { PORT_ENV } from '../../src/cli/stack/settings.js';
import type { StackState } from '../../src/cli/stack/state.js';
import { SERVER_PORT_ENV } from '../../src/stack-runtime/reference.js';

const root = resolve(import.meta.dirname, '../..');
const runDir = mkdtempSync(join(tmpdir(), 'mcp-stack-e2e-'));
const ports: number[] = [];
const PORT_VARS = [...Object.values(PORT_ENV), ...Object.values(SERVER_PORT_ENV)];
while (ports.length < PORT_VARS.length) {
  const port = await freePort();
  if (!ports.includes(port)) ports.push(port);
}
const env = {
  ...Object.fromEntries(PORT_VARS.map((p, i) => [p.env, String(ports[i])])),
  MCP_STACK_RUN_DIR: runDir,
  MCP_STACK_MODE: 'native',
};
const stack = (...args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', 'src/stack-runtime/bin.ts', ...args], { cwd: root, env, reject: false, all: true, timeout: 540_000 });

let recorded: StackState | undefined;

afterAll(async () => {
  // Whatever happened above, leave nothing running.
  if (existsSync(join(runDir, 'stack.json'))) await stack('down');
  rmSync(runDir, { recursive: true, force: true });
}, 60_000);

describe('npm run up --drill / check / down (native)', () => {
  it('starts the stack, passes every check and drill, and stops every process it started', async () => {
    const up = await stack('up', '--drill');
    expect(up.exitCode, up.all).toBe(0);
    recorded = JSON.parse(readFileSync(join(runDir, 'stack.json'), 'utf8')) as StackState;
    expect(recorded.processes.map((p) => p.name)).toEqual(expect.arrayContaining(
      ['webhook', 'alertmanager', 'prometheus', 'mcp-prom-client', 'mcp-otel', 'simulator-prom-client', 'simulator-otel']));

    // A second up starts nothing new.
    const again = await stack('up', '--drill');
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).not.toMatch(/ started \(pid/);
    expect(JSON.parse(readFileSync(join(runDir, 'stack.json'), 'utf8')).processes.map((p: { pid: number }) => p.pid))
      .toEqual(recorded.processes.map((p) => p.pid));

    const check = await stack('check');
    console.log(check.all);
    expect(check.exitCode, check.all).toBe(0);
    for (const drill of DRILL_NAMES) expect(check.all).toMatch(new RegExp(`^drill\\s+${drill} → \\S+\\s+ok\\s+pending`, 'm'));
    expect(check.all).toMatch(/^panel\s.+ok/m);
    expect(check.all).toMatch(/^recording\s.+ok/m);

    const down = await stack('down', '--purge');
    expect(down.exitCode, down.all).toBe(0);
    // Killed children are reaped by init shortly after; give that a moment.
    for (let i = 0; i < 50 && recorded.processes.some((p) => processStartTicks(p.pid) === p.startTicks); i++) await sleep(100);
    const left = recorded.processes.filter((p) => processStartTicks(p.pid) === p.startTicks);
    expect(left.map((p) => `${p.name} (pid ${p.pid})`)).toEqual([]);
    expect(existsSync(runDir)).toBe(false);
  }, 600_000);
});
