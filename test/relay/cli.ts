// How the relay tests run the CLI: the TypeScript sources under tsx (NODE_OPTIONS carries the source condition).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const CLI = ['--import', 'tsx', 'src/cli/bin.ts'];
export const TSX = [process.execPath, '--import', 'tsx'] as const;

/** The metrics URL a wrap or proxy command announces on stderr. */
export const METRICS_LINE = /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/;

/** Starts `proxy`; resolves with its listen and metrics URLs once it says it is listening. */
export async function startProxy(upstream: URL, extra: string[] = ['--log-level', 'debug']) {
  const child = spawn(process.execPath, [...CLI, 'proxy', '--upstream', upstream.href, '--listen', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (l) => { if (l.includes('listening on')) resolve(l); });
    child.once('close', () => reject(new Error('proxy exited before listening')));
  });
  const [, listen] = /listening on (http:\/\/[^ ]+) /.exec(line)!;
  const [, metrics] = METRICS_LINE.exec(line)!;
  return {
    url: new URL(upstream.pathname, listen),
    metrics: metrics!,
    pid: child.pid!,
    /** Everything the proxy wrote on stderr (its log lines) so far. */
    stderr: () => stderr,
    stop: async () => { child.kill('SIGTERM'); return exited; },
  };
}

/** wrap's two processes as its stderr line names them: the launcher the client started, and the relay. */
export function wrapPids(stderr: string): { launcher: number; relay: number } {
  const [, launcher, relay] = /wrap: metrics on \S+ \(pid (\d+), relay pid (\d+)\)/.exec(stderr) ?? [];
  return { launcher: Number(launcher), relay: Number(relay) };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
