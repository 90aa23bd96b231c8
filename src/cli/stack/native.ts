// Native mode: the stack as detached processes on 127.0.0.1, logs and data under .run/, PIDs in
// .run/stack.json. `up` is idempotent (live recorded processes are kept), `down` stops exactly
// what was recorded after checking each PID still is the process we started.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { Config } from '../config/schema.js';
import { ALERTS_SUBDIRS, alertsDir, OUTPUT_LAYOUT, RULE_FILE_SUFFIX } from '@mcp-observability/catalog';
import { alertmanagerConfig, prometheusConfig, type ScrapeTarget } from './configs.js';
import { identify, isSameProcess, portOwner } from './procfs.js';
import { answers, pollUntil, sleep } from './readiness.js';
import { nativeLayout, nativePlan, type NativeLayout, type ServiceSpec } from './services.js';
import type { StackSettings } from './settings.js';
import { readState, removeState, writeState, type RecordedProcess, type StackState } from './state.js';

export type Log = (line: string) => void;

/** Scrape and evaluation interval: drills need fast feedback, normal mode the usual 15 s. */
export const intervalFor = (drill: boolean): string => (drill ? '5s' : '15s');

/** Rule files Prometheus loads: the time-compressed drill variant or the real rules. */
export function ruleGlobs(config: Config, outDir: string, drill: boolean): string[] {
  return config.profiles.map((p) => join(outDir, alertsDir(p), ...(drill ? [ALERTS_SUBDIRS.drill] : []), `*${RULE_FILE_SUFFIX}`));
}

/** The stack's own scrape targets; the MCP servers' come from whoever starts the stack. */
export function stackTargets(settings: StackSettings, grafana: boolean): ScrapeTarget[] {
  const { ports } = settings;
  return [
    { job: 'prometheus', address: `127.0.0.1:${ports.prometheus}` },
    { job: 'alertmanager', address: `127.0.0.1:${ports.alertmanager}` },
    ...(grafana ? [{ job: 'grafana', address: `127.0.0.1:${ports.grafana}` }] : []),
  ];
}

function writeNativeConfigs(config: Config, settings: StackSettings, layout: NativeLayout, drill: boolean, targets: readonly ScrapeTarget[]): void {
  const { ports } = settings;
  mkdirSync(layout.configDir, { recursive: true });
  writeFileSync(join(layout.configDir, 'prometheus.yml'), prometheusConfig({
    interval: intervalFor(drill),
    ruleFiles: ruleGlobs(config, layout.outDir, drill),
    alertmanager: `127.0.0.1:${ports.alertmanager}`,
    targets,
  }));
  writeFileSync(join(layout.configDir, 'alertmanager.yml'), alertmanagerConfig(`http://127.0.0.1:${ports.webhook}`));
}

const portFree = (port: number): Promise<boolean> => new Promise((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
});

async function assertPortsFree(services: readonly ServiceSpec[]): Promise<void> {
  const taken: string[] = [];
  for (const s of services) {
    if (!s.port || (await portFree(s.port.number))) continue;
    const owner = portOwner(s.port.number);
    const by = owner ? `by pid ${owner.pid} (${owner.command.slice(0, 120)})` : 'by another process';
    taken.push(`port ${s.port.number} for ${s.name} is taken ${by}; stop it or set ${s.port.env} to a free port`);
  }
  if (taken.length) throw new Error(taken.join('\n'));
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

interface Started {
  record: RecordedProcess;
  exited: () => number | null | undefined;
}

function start(spec: ServiceSpec, layout: NativeLayout): Started {
  const log = join(layout.logDir, `${spec.name}.log`);
  const fd = openSync(log, 'a');
  let exitCode: number | null | undefined;
  try {
    const [file, ...args] = spec.argv as [string, ...string[]];
    // node:child_process rather than execa: the log file descriptor must go to the child as is
    // (execa pipes files through the parent, which would break when `up` exits).
    // detached: its own process group, and it outlives `up`.
    const child = spawn(file, args, {
      cwd: layout.root, env: { ...process.env, ...spec.env }, detached: true, stdio: ['ignore', fd, fd],
    });
    child.on('error', () => { exitCode = null; });
    child.on('exit', (code) => { exitCode = code; });
    child.unref();
    const identity = child.pid === undefined ? undefined : identify(child.pid);
    if (!identity) throw new Error(`${spec.name} did not start (${spec.argv[0]}); see ${log}:\n${tail(log)}`);
    return { record: { name: spec.name, log, ...identity }, exited: () => exitCode };
  } finally {
    closeSync(fd);
  }
}

async function waitReady(spec: ServiceSpec, started: Started, log: Log): Promise<void> {
  const deadSince = () => {
    const code = started.exited();
    return code !== undefined || !isSameProcess(started.record) ? code : undefined;
  };
  if (!spec.readyUrl) {
    await sleep(spec.readyTimeoutMs);
    if (!isSameProcess(started.record)) {
      throw new Error(`${spec.name} exited right after starting; last lines of ${started.record.log}:\n${tail(started.record.log)}`);
    }
    return;
  }
  const url = spec.readyUrl;
  const ok = await pollUntil(async () => {
    if (await answers(url)) return true;
    if (deadSince() !== undefined || !isSameProcess(started.record)) return false;
    return undefined;
  }, {
    timeoutMs: spec.readyTimeoutMs,
    progress: (ms) => log(`  … waiting for ${spec.name} (${url}) ${Math.round(ms / 1000)}s`),
  });
  if (ok === true) return;
  const why = ok === false ? 'exited' : `not ready after ${spec.readyTimeoutMs / 1000}s`;
  throw new Error(`${spec.name} ${why}; last lines of ${started.record.log}:\n${tail(started.record.log)}`);
}

export interface UpOptions {
  config: Config;
  settings: StackSettings;
  /** Working folder of the started processes. */
  root: string;
  /** The build's output folder (dashboards/, alerts/, Grafana provisioning). */
  outDir: string;
  drill: boolean;
  log: Log;
  /** The MCP servers Prometheus scrapes. */
  servers: readonly ScrapeTarget[];
  /** Services started beside the stack's own (phase 1 with it, phase 2 once everything of phase 1 is ready). */
  extraServices?: readonly ServiceSpec[];
}

/** Starts whatever of the stack is not already running; returns the recorded state. */
export async function nativeUp({ config, settings, root, outDir, drill, log, servers, extraServices = [] }: UpOptions): Promise<StackState> {
  const layout = nativeLayout(root, outDir, settings.runDir);
  for (const dir of [alertsDir(config.profiles[0]!), OUTPUT_LAYOUT.dashboardsDir]) {
    if (!existsSync(join(outDir, dir))) throw new Error(`${join(outDir, dir)} is missing: run \`mcp-observability build\` first (or pass the --out it wrote to)`);
  }
  const previous = readState(settings.runDir);
  if (previous?.mode === 'compose') throw new Error('the stack is running under docker compose; run `npm run down` first');
  const live = (previous?.processes ?? []).filter(isSameProcess);
  if (previous && live.length && previous.drill !== drill) {
    throw new Error(`the stack is already running in ${previous.drill ? 'drill' : 'normal'} mode; run \`npm run down\` first`);
  }
  const plan = nativePlan(settings, layout);
  plan.services.push(...extraServices);
  const liveNames = new Set(live.map((p) => p.name));
  const toStart = plan.services.filter((s) => !liveNames.has(s.name));
  for (const p of live) log(`${p.name.padEnd(22)} already running (pid ${p.pid})`);
  const state: StackState = {
    mode: 'native', drill, startedAt: previous && live.length ? previous.startedAt : new Date().toISOString(),
    ports: settings.ports, grafana: plan.grafana !== undefined, webhookLog: layout.webhookLog, processes: [...live],
    outDir, servers: [...servers],
  };
  if (toStart.length === 0) return state;

  await assertPortsFree(toStart);
  for (const dir of [layout.logDir, layout.dataDir, join(layout.webhookLog, '..')]) mkdirSync(dir, { recursive: true });
  writeNativeConfigs(config, settings, layout, drill, [...stackTargets(settings, state.grafana), ...servers]);

  const startedNow: RecordedProcess[] = [];
  try {
    for (const phase of [1, 2] as const) {
      const batch = toStart.filter((s) => s.phase === phase).map((spec) => {
        const started = start(spec, layout);
        log(`${spec.name.padEnd(22)} started (pid ${started.record.pid}, log ${started.record.log})`);
        startedNow.push(started.record);
        state.processes.push(started.record);
        // Recorded before waiting, so `down` can stop it even if this `up` is interrupted.
        writeState(settings.runDir, state);
        return { spec, started };
      });
      await Promise.all(batch.map(({ spec, started }) => waitReady(spec, started, log)));
      for (const { spec, started } of batch) {
        // Re-read the identity once settled, so `down` compares against the running program.
        Object.assign(started.record, identify(started.record.pid));
        if (spec.readyUrl) log(`${spec.name.padEnd(22)} ready`);
      }
      writeState(settings.runDir, state);
    }
  } catch (err) {
    log('up failed; stopping what this run started');
    await stopProcesses(startedNow, log);
    state.processes = state.processes.filter((p) => !startedNow.includes(p));
    if (state.processes.length) writeState(settings.runDir, state);
    else removeState(settings.runDir);
    throw err;
  }
  return state;
}

const STOP_GRACE_MS = 10_000;

async function stopOne(p: RecordedProcess, log: Log): Promise<void> {
  if (!isSameProcess(p)) {
    log(`${p.name.padEnd(22)} not running (pid ${p.pid} gone or reused by another program)`);
    return;
  }
  // The process leads its own group (detached); signal the group so helpers it forked go too.
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-p.pid, sig);
    } catch {
      process.kill(p.pid, sig);
    }
  };
  signal('SIGTERM');
  const gone = await pollUntil(async () => (isSameProcess(p) ? undefined : true), { timeoutMs: STOP_GRACE_MS, intervalMs: 100 });
  if (gone) {
    log(`${p.name.padEnd(22)} stopped (pid ${p.pid})`);
    return;
  }
  signal('SIGKILL');
  await pollUntil(async () => (isSameProcess(p) ? undefined : true), { timeoutMs: 2_000, intervalMs: 100 });
  log(`${p.name.padEnd(22)} killed after ${STOP_GRACE_MS / 1000}s (pid ${p.pid})`);
}

/** Stops in reverse start order: load first, Prometheus before its targets. */
export async function stopProcesses(processes: readonly RecordedProcess[], log: Log): Promise<void> {
  for (const p of [...processes].reverse()) await stopOne(p, log);
}

export async function nativeDown(state: StackState, settings: StackSettings, purge: boolean, log: Log): Promise<void> {
  await stopProcesses(state.processes, log);
  removeState(settings.runDir);
  if (purge) {
    rmSync(settings.runDir, { recursive: true, force: true });
    log(`removed ${settings.runDir}`);
  } else {
    log(`kept data and logs in ${settings.runDir} (use --purge to remove them)`);
  }
}
