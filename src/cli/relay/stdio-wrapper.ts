// `wrap`: runs a stdio MCP server as a child process and sits on its stdin and stdout. Bytes are
// piped through unchanged (with backpressure, so nothing accumulates); a copy of each chunk is cut
// into lines and every JSON-RPC message goes to a tap, both ways. The child's stderr is inherited.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Instrumentation } from '@mcp-observability/instrument';
import { LineSplitter } from './line-splitter.js';
import { observeJson, type Side } from './observe.js';
import { relayCounter } from './relay-metrics.js';

export interface WrapOptions {
  command: string;
  args: readonly string[];
  instrumentation: Instrumentation;
  /** The client's side: where requests come from and answers go (process.stdin/stdout for the CLI). */
  input: Readable;
  output: Writable;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not be started (e.g. ENOENT). */
  spawnError?: Error;
}

export interface WrappedServer {
  readonly pid: number | undefined;
  /** Settles once the child has exited and its stdout has been forwarded to the end. */
  readonly exited: Promise<ChildExit>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * How long a server may run on after the client closed its stdin before it gets SIGTERM (and as
 * long again before SIGKILL). Longer than the SDK clients' own 2 s, so a client's signal, which
 * the wrapper passes on, normally comes first; this is for the signal that never arrives (a client
 * that started the wrapper through npx signals npx, which does not pass it on).
 */
export const INPUT_CLOSED_GRACE_MS = 5_000;

export function wrapStdioServer(options: WrapOptions): WrappedServer {
  const { instrumentation, input, output } = options;
  const registry = instrumentation.registry;
  const exits = relayCounter(registry, 'mcp_wrapped_server_exits_total');
  const unobserved = relayCounter(registry, 'mcp_relay_unobserved_messages_total');
  const tap = instrumentation.tap({ kind: 'stdio' });
  const child = spawn(options.command, [...options.args], { stdio: ['pipe', 'pipe', 'inherit'] });

  const splitter = (side: Side, direction: 'in' | 'out') => new LineSplitter(
    (line) => {
      if (!observeJson(tap, side, line.toString('utf8'), line.length)) unobserved.inc({ direction });
    },
    () => unobserved.inc({ direction }),
  );
  const fromClient = splitter('fromClient', 'in');
  const fromServer = splitter('fromServer', 'out');

  // Observation runs on the 'data' events pipe() also listens to: same chunks, same order, no copy.
  input.on('data', (chunk: Buffer) => fromClient.push(chunk));
  input.pipe(child.stdin);
  // A child that exits first closes its stdin under us; what the client still sends has nowhere to go.
  child.stdin.on('error', () => {});
  child.stdout.on('data', (chunk: Buffer) => fromServer.push(chunk));
  child.stdout.pipe(output, { end: false });

  // The client is gone once its side ends: a server that does not exit on stdin EOF is stopped.
  let stopTimers: NodeJS.Timeout[] = [];
  input.once('end', () => {
    stopTimers = [
      setTimeout(() => child.kill('SIGTERM'), INPUT_CLOSED_GRACE_MS),
      setTimeout(() => child.kill('SIGKILL'), 2 * INPUT_CLOSED_GRACE_MS),
    ];
  });

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (spawnError) => {
      exits.inc({ outcome: 'spawn_failed' });
      input.unpipe(child.stdin);
      void tap.close().then(() => resolve({ code: null, signal: null, spawnError }));
    });
    // 'close' comes after the child exited and its stdout ended: everything it wrote was forwarded.
    child.once('close', (code, signal) => {
      if (child.pid === undefined) return;
      for (const timer of stopTimers) clearTimeout(timer);
      exits.inc({ outcome: signal ? 'signal' : code === 0 ? 'ok' : 'error' });
      input.unpipe(child.stdin);
      void tap.close().then(() => resolve({ code, signal }));
    });
  });

  return {
    pid: child.pid,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}
