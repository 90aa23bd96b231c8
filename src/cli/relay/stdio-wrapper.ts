// `wrap`: runs a stdio MCP server as a child process and sits between it and this process's own
// stdin and stdout. Bytes pass through unchanged, with backpressure (nothing accumulates); a copy of
// each chunk is cut into lines and every JSON-RPC message goes to a tap, both ways. Where mkfifo
// exists the bytes are moved by two threads (thread-relay.ts), off the event loop; elsewhere
// (Windows) by Node streams piped. The child's stderr is inherited.
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { Instrumentation } from '@mcp-observability/instrument';
import { LineSplitter } from './line-splitter.js';
import { observeJson, type Side } from './observe.js';
import { relayCounter } from './relay-metrics.js';
import { openServerFifos, startThreadRelay } from './thread-relay.js';

export interface WrapOptions {
  command: string;
  args: readonly string[];
  instrumentation: Instrumentation;
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
  /** Observes every byte relayed so far before returning (call it before serving a scrape). */
  catchUp(): void;
}

/**
 * How long a server may run on after the client closed its stdin before it gets SIGTERM (and as
 * long again before SIGKILL). Longer than the SDK clients' own 2 s, so a client's signal, which
 * the wrapper passes on, normally comes first; this is for the signal that never arrives (a client
 * that started the wrapper through npx signals npx, which does not pass it on).
 */
export const INPUT_CLOSED_GRACE_MS = 5_000;

export function wrapStdioServer(options: WrapOptions): WrappedServer {
  const { instrumentation } = options;
  const registry = instrumentation.registry;
  const exits = relayCounter(registry, 'mcp_wrapped_server_exits_total');
  const unobserved = relayCounter(registry, 'mcp_relay_unobserved_messages_total');
  const tap = instrumentation.tap({ kind: 'stdio' });
  const fifos = openServerFifos();
  const stdio: StdioOptions = fifos ? [fifos.serverStdin, fifos.serverStdout, 'inherit'] : ['pipe', 'pipe', 'inherit'];
  const child = spawn(options.command, [...options.args], { stdio });
  if (fifos) {
    closeSync(fifos.serverStdin);
    closeSync(fifos.serverStdout);
  }

  /** When the chunk being cut into lines passed the relay (threaded relay; the streams observe as the bytes pass). */
  let passedAt: number | undefined;
  const splitter = (side: Side, direction: 'in' | 'out') => new LineSplitter(
    (line) => {
      if (!observeJson(tap, side, line.toString('utf8'), line.length, passedAt)) unobserved.inc({ direction });
    },
    () => unobserved.inc({ direction }),
  );
  const splitters: Record<Side, LineSplitter> = { fromClient: splitter('fromClient', 'in'), fromServer: splitter('fromServer', 'out') };

  /** Settles once the client's input ended, and once the server's output was forwarded to the end. */
  let inputEnded: Promise<void>;
  let outputEnded: Promise<void>;
  /** Lets go of the client's side when the server never started. */
  let abandon: () => void;
  let catchUp = () => {};
  if (fifos) {
    const started = new Promise<ReturnType<typeof startThreadRelay>>((resolve) => child.once('spawn', () => {
      const relay = startThreadRelay(fifos, 0, 1, (side, chunk, at) => {
        passedAt = at;
        try {
          splitters[side].push(chunk);
        } finally {
          passedAt = undefined;
        }
      });
      catchUp = relay.catchUp;
      resolve(relay);
    }));
    inputEnded = started.then((relay) => relay.inputEnded);
    outputEnded = started.then((relay) => relay.outputEnded);
    abandon = () => {
      closeSync(fifos.toServer);
      closeSync(fifos.fromServer);
    };
  } else {
    const { stdin: input, stdout: output } = process;
    // Observation runs on the 'data' events pipe() also listens to: same chunks, same order, no copy.
    input.on('data', (chunk: Buffer) => splitters.fromClient.push(chunk));
    input.pipe(child.stdin!);
    // A child that exits first closes its stdin under us; what the client still sends has nowhere to go.
    child.stdin!.on('error', () => {});
    child.stdout!.on('data', (chunk: Buffer) => splitters.fromServer.push(chunk));
    child.stdout!.pipe(output, { end: false });
    inputEnded = new Promise((resolve) => input.once('end', resolve));
    abandon = () => input.unpipe(child.stdin!);
    // 'close' comes after the child exited and its stdout ended; then everything it wrote must reach the client.
    outputEnded = new Promise((resolve) => child.once('close', () => {
      abandon();
      output.write('', () => resolve());
    }));
  }

  // The client is gone once its side ends: a server that does not exit on stdin EOF is stopped.
  let stopTimers: NodeJS.Timeout[] = [];
  void inputEnded.then(() => {
    stopTimers = [
      setTimeout(() => child.kill('SIGTERM'), INPUT_CLOSED_GRACE_MS),
      setTimeout(() => child.kill('SIGKILL'), 2 * INPUT_CLOSED_GRACE_MS),
    ];
  });

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (spawnError) => {
      exits.inc({ outcome: 'spawn_failed' });
      abandon();
      void tap.close().then(() => resolve({ code: null, signal: null, spawnError }));
    });
    child.once('exit', (code, signal) => {
      if (child.pid === undefined) return;
      void outputEnded.then(() => {
        for (const timer of stopTimers) clearTimeout(timer);
        exits.inc({ outcome: signal ? 'signal' : code === 0 ? 'ok' : 'error' });
        void tap.close().then(() => resolve({ code, signal }));
      });
    });
  });

  return {
    pid: child.pid,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    catchUp: () => catchUp(),
  };
}
