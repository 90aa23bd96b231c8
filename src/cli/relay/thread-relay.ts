// wrap's data path where the platform has FIFOs: the server's stdin and stdout are FIFOs (blocking
// fds, which libuv's pipes are not), and two pump threads move the bytes (pump.ts). The main thread
// only observes: it wakes on the doorbell in batches (observer-loop.ts) and takes every record
// published since, both rings merged in the order the bytes passed.
/// <reference lib="es2024.sharedmemory" />
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelayMemory, doorbellOf, monotonicOffset, RingReader } from './byte-ring.js';
import type { Side } from './observe.js';
import { startObserverLoop } from './observer-loop.js';
import { startPump } from './pump.js';

/** The nice value of the observing threads: on two cores, the pumps (and the client and server) come first. */
const OBSERVER_NICE = 10;

/**
 * Lowers the priority of the threads that were there before the pumps: the main thread, which
 * observes, and V8's helpers, which collect its garbage. Linux only: there a nice value belongs to
 * one thread (setpriority on a thread id), elsewhere it would slow the pumps too.
 */
function yieldToPumps(threadsBefore: readonly string[]): void {
  for (const tid of threadsBefore) {
    try {
      setPriority(Number(tid), OBSERVER_NICE);
    } catch {
      // Gone since it was listed: nothing to lower.
    }
  }
}

export interface ServerFifos {
  /** The server's ends, for spawn's stdio; close them once it has started. */
  serverStdin: number;
  serverStdout: number;
  /** Ours. */
  toServer: number;
  fromServer: number;
}

/** Two FIFOs in a private directory removed as soon as both ends are open; undefined without mkfifo (Windows). */
export function openServerFifos(): ServerFifos | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-wrap-'));
  try {
    const [input, output] = [join(dir, 'in'), join(dir, 'out')];
    try {
      execFileSync('mkfifo', ['-m', '600', input, output], { stdio: 'ignore' });
    } catch {
      return undefined;
    }
    // Opening one end of a FIFO blocks until the other is open: a non-blocking reader held for the
    // moment lets both ends be opened blocking from this one thread.
    const bothEnds = (path: string) => {
      const holder = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      const writer = openSync(path, constants.O_WRONLY);
      const reader = openSync(path, constants.O_RDONLY);
      closeSync(holder);
      return { reader, writer };
    };
    const stdin = bothEnds(input);
    const stdout = bothEnds(output);
    return { serverStdin: stdin.reader, toServer: stdin.writer, serverStdout: stdout.writer, fromServer: stdout.reader };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ThreadRelay {
  /** Settles when the client's input has ended (the server's stdin is closed then). */
  inputEnded: Promise<void>;
  /** Settles when the server's output has ended, every byte of it written to the client and observed. */
  outputEnded: Promise<void>;
  /** Observes what has passed so far, now (before a scrape: a client sees every message it got counted). */
  catchUp(): void;
}

/**
 * Relays client fd `input` → server and server → client fd `output`; `observe` gets every chunk in
 * order, with when it passed (performance.now()'s clock).
 */
export function startThreadRelay(fifos: ServerFifos, input: number, output: number,
  observe: (side: Side, chunk: Buffer, passedAt: number) => void): ThreadRelay {
  const shared = createRelayMemory();
  const bell = doorbellOf(shared.buffer);
  const clockOffset = monotonicOffset();
  const readers: Record<Side, RingReader> = {
    fromClient: new RingReader(shared.buffer, shared.fromClient, clockOffset),
    fromServer: new RingReader(shared.buffer, shared.fromServer, clockOffset),
  };
  let nextSeq = 0;
  const observeNext = (side: Side) => {
    const { bytes, passedAt } = readers[side].take();
    observe(side, bytes, passedAt);
  };

  /** Observes the records published so far in sequence order; stops at a gap (a record still being put in). */
  const drain = () => {
    for (;;) {
      const side = readers.fromClient.nextTag() === nextSeq ? 'fromClient' : readers.fromServer.nextTag() === nextSeq ? 'fromServer' : undefined;
      if (side === undefined) break;
      observeNext(side);
      nextSeq = (nextSeq + 1) | 0;
    }
    readers.fromClient.release();
    readers.fromServer.release();
  };

  let observing = true;
  const loop = startObserverLoop(bell, drain);

  const observers = process.platform === 'linux' ? readdirSync('/proc/self/task') : [];
  const inputPump = startPump(input, fifos.toServer, true, shared.memory, shared.fromClient);
  const outputPump = startPump(fifos.fromServer, output, false, shared.memory, shared.fromServer);
  yieldToPumps(observers);
  // The input pump may stay blocked reading the client's stdin after all is over (see commands/wrap.ts).
  inputPump.unref();
  const ended = (worker: typeof inputPump) => new Promise<void>((resolve) => {
    worker.once('error', (err) => {
      console.error(`mcp-observability wrap: a relay thread failed: ${err.message}`);
      resolve();
    });
    worker.once('exit', () => resolve());
  });

  const outputEnded = ended(outputPump).then(async () => {
    closeSync(fifos.fromServer);
    await loop.stop();
    drain();
    // A record of the client's still being put in cannot hold back the server's last words.
    for (const side of ['fromServer', 'fromClient'] as const) {
      while (readers[side].nextTag() !== undefined) observeNext(side);
    }
    observing = false;
  });
  return { inputEnded: ended(inputPump), outputEnded, catchUp: () => { if (observing) drain(); } };
}
