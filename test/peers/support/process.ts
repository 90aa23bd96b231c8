// Start a peer server, wait until it answers, stop exactly that process.
import { execa, type ResultPromise } from "execa";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A free TCP port on 127.0.0.1, chosen by the kernel (a tiny race remains until the peer binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

export interface RunningPeer {
  pid: number;
  child: ResultPromise;
  /** Combined stdout+stderr so far, for failure messages. */
  output: () => string;
}

export function startPeer(bin: string, args: readonly string[], env: Record<string, string> = {}): RunningPeer {
  const child = execa(bin, args, { env, stdin: "ignore", all: true, reject: false, buffer: false });
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  let output = "";
  // Keep only the tail: a peer that logs for a minute must not grow the test's memory unboundedly.
  child.all?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  return { pid: child.pid, child, output: () => output };
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Accept the response (default: HTTP 200). */
  ready?: (response: Response) => Promise<boolean> | boolean;
}

/** Poll `url` until it is ready, the peer exits, or the time runs out (bounded in both count and time). */
export async function waitForHttp(peer: RunningPeer, url: string, options: WaitOptions): Promise<void> {
  const intervalMs = options.intervalMs ?? 250;
  const ready = options.ready ?? ((response: Response) => response.status === 200);
  const deadline = Date.now() + options.timeoutMs;
  let exited = false;
  void peer.child.finally(() => {
    exited = true;
  });
  let lastProblem = "no attempt";
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    if (exited) throw new Error(`peer (pid ${peer.pid}) exited before ${url} was ready:\n${peer.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (await ready(response)) return;
      lastProblem = `HTTP ${response.status} on attempt ${attempt}`;
    } catch (error) {
      lastProblem = `${(error as Error).message} on attempt ${attempt}`;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} not ready after ${options.timeoutMs} ms (${lastProblem}):\n${peer.output()}`);
}

/** SIGTERM the peer's own PID, then SIGKILL it if it has not exited within the grace period. */
export async function stopPeer(peer: RunningPeer, graceMs = 10_000): Promise<void> {
  if (peer.child.exitCode !== null || peer.child.signalCode !== null) return;
  const exited = peer.child.then(() => true);
  process.kill(peer.pid, "SIGTERM");
  const stopped = await Promise.race([exited, sleep(graceMs).then(() => false)]);
  if (!stopped) {
    process.kill(peer.pid, "SIGKILL");
    await exited;
  }
}
