// Starts bench/server.ts as a child process (one per variant and transport) and drives it:
// HTTP sessions are initialised here for autocannon; stdio gets a pipelined JSON-RPC driver.
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { BENCH_DIR, REPO_DIR } from './harness.js';
import type { TransportKind, Variant } from './variants.js';
import { isGoodAnswer, toolCall } from './workload.js';

export const PROTOCOL_VERSION = '2025-11-25';
const READY_TIMEOUT_MS = 30_000;

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-bench', version: '1.0.0' } } });
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

/**
 * How a server is started: bench/server.ts under tsx, where `cpuProfDir` has each server write V8
 * CPU profiles to `<dir>/<transport>-<variant>/` when it exits, one per thread (tsx's loader runs in
 * a worker; the server is the main thread, the largest file); or `command`, which runs the compiled
 * server script (the instructions benchmark runs it under valgrind, hence its own ready timeout).
 */
export type ServerLaunch = { cpuProfDir?: string } | { command: readonly string[]; readyTimeoutMs: number };

function spawnServer(variant: Variant, transport: TransportKind, launch: ServerLaunch) {
  const profiling = 'cpuProfDir' in launch && launch.cpuProfDir
    ? ['--cpu-prof', `--cpu-prof-dir=${launch.cpuProfDir}/${transport}-${variant}`] : [];
  const [file, ...args] = 'command' in launch ? launch.command : ['node', ...profiling, '--import', 'tsx', `${BENCH_DIR}/server.ts`];
  return execa(file!, [...args, '--variant', variant, '--transport', transport], {
    cwd: REPO_DIR, buffer: false, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', reject: false,
  });
}

export class ServerProcess {
  private constructor(
    readonly variant: Variant,
    readonly transport: TransportKind,
    private readonly child: ReturnType<typeof spawnServer>,
    /** HTTP port, or 0 on stdio. */
    readonly port: number,
  ) {}

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`bench server ${this.variant}/${this.transport} has no pid`);
    return this.child.pid;
  }

  static async start(variant: Variant, transport: TransportKind, launch: ServerLaunch = {}): Promise<ServerProcess> {
    const child = spawnServer(variant, transport, launch);
    const stderrLines = createInterface({ input: child.stderr });
    const readyTimeoutMs = 'readyTimeoutMs' in launch ? launch.readyTimeoutMs : READY_TIMEOUT_MS;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench server ${variant}/${transport} not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
      const seen: string[] = [];
      stderrLines.on('line', (line) => {
        seen.push(line);
        if (line.startsWith('{"ready":')) {
          clearTimeout(timer);
          const ready = (JSON.parse(line) as { ready: number | 'stdio' }).ready;
          resolve(ready === 'stdio' ? 0 : ready);
        }
      });
      void child.then((r) => reject(new Error(`bench server ${variant}/${transport} exited (${r.exitCode}): ${seen.join('\n')}`)));
    });
    return new ServerProcess(variant, transport, child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  /** initialize + notifications/initialized over HTTP; returns the headers every later request needs. */
  async httpSession(): Promise<Record<string, string>> {
    const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(this.url, { method: 'POST', headers: base, body: INITIALIZE });
    const sid = init.headers.get('mcp-session-id');
    await init.text();
    if (!init.ok || !sid) throw new Error(`initialize on ${this.url} failed: HTTP ${init.status}`);
    const headers = { ...base, 'mcp-session-id': sid, 'mcp-protocol-version': PROTOCOL_VERSION };
    const ack = await fetch(this.url, { method: 'POST', headers, body: INITIALIZED });
    await ack.text();
    if (ack.status !== 202) throw new Error(`notifications/initialized on ${this.url} answered HTTP ${ack.status}`);
    // One real call, checked, so a benchmark never counts fast failures as throughput.
    const call = await fetch(this.url, { method: 'POST', headers, body: toolCall(1) });
    const text = await call.text();
    if (!call.ok || !isGoodAnswer(text)) throw new Error(`tools/call on ${this.url} failed: ${text.slice(0, 300)}`);
    return headers;
  }

  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    return res.text();
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.child;
  }

  /** A pipelined JSON-RPC driver over the child's stdin/stdout (stdio transport only). */
  async stdioDriver(): Promise<StdioDriver> {
    const driver = new StdioDriver(this.child.stdin, createInterface({ input: this.child.stdout }));
    await driver.initialize();
    return driver;
  }
}

/** Keeps `window` tools/call requests in flight, for a duration or a number of calls, and counts correct answers. */
export class StdioDriver {
  private nextId = 1;
  private waiter: ((line: string) => void) | undefined;
  /** Rejects the wait in progress: a server that exits or closes stdout never answers the calls in flight. */
  private abandon: ((error: Error) => void) | undefined;

  constructor(private readonly stdin: NodeJS.WritableStream, lines: ReturnType<typeof createInterface>) {
    lines.on('line', (line) => this.waiter?.(line));
    lines.on('close', () => this.abandon?.(new Error('the stdio server closed its stdout while answers were awaited')));
  }

  async initialize(): Promise<void> {
    const answer = new Promise<string>((resolve, reject) => { this.waiter = resolve; this.abandon = reject; });
    this.stdin.write(INITIALIZE + '\n');
    const line = await answer;
    if (!line.includes('"protocolVersion"')) throw new Error(`stdio initialize failed: ${line.slice(0, 300)}`);
    this.stdin.write(INITIALIZED + '\n');
  }

  /** Runs for `seconds`; returns correct answers, wrong answers and the exact elapsed seconds. */
  run(seconds: number, window: number): Promise<{ ok: number; failed: number; seconds: number }> {
    const deadline = performance.now() + seconds * 1000;
    return this.drive(() => performance.now() < deadline, window);
  }

  /** Sends exactly `calls` tool calls, `window` in flight. */
  calls(calls: number, window: number): Promise<{ ok: number; failed: number; seconds: number }> {
    let sent = 0;
    return this.drive(() => sent++ < calls, window);
  }

  /** Keeps up to `window` calls in flight while `more()`, asked before each call is sent, says so. */
  private drive(more: () => boolean, window: number): Promise<{ ok: number; failed: number; seconds: number }> {
    return new Promise((resolve, reject) => {
      this.abandon = reject;
      const started = performance.now();
      let inFlight = 0;
      let ok = 0;
      let failed = 0;
      const finish = () => {
        this.waiter = undefined;
        this.abandon = undefined;
        resolve({ ok, failed, seconds: (performance.now() - started) / 1000 });
      };
      const sendOne = () => {
        inFlight++;
        this.stdin.write(toolCall(this.nextId++) + '\n');
      };
      this.waiter = (line) => {
        inFlight--;
        if (isGoodAnswer(line)) ok++;
        else failed++;
        if (more()) sendOne();
        else if (inFlight === 0) finish();
      };
      for (let i = 0; i < window && more(); i++) sendOne();
      if (inFlight === 0) finish();
    });
  }
}
