// One direction of wrap's data path: a worker thread that moves bytes from one fd to another in
// blocking readSync/writeSync calls, with no event loop in the path, and copies each chunk into
// its ring (byte-ring.ts) for the main thread to observe. A full ring makes the pump wait for the
// main thread, so memory stays bounded and nothing is dropped from observation.
import { Worker } from 'node:worker_threads';
import { CHUNK_BYTES, NEXT_SEQ, OBSERVER_WAITING, PUBLISHED, RECORD_HEADER, RING_READ, RING_WRITTEN, type ByteRing } from './byte-ring.js';

export interface PumpData {
  from: number;
  to: number;
  /** Close `to` at end of input (the server's stdin: that is how it sees the client's EOF). */
  closeTo: boolean;
  ring: ByteRing;
  doorbell: SharedArrayBuffer;
  layout: { RING_WRITTEN: number; RING_READ: number; NEXT_SEQ: number; PUBLISHED: number; OBSERVER_WAITING: number; CHUNK_BYTES: number; RECORD_HEADER: number };
}

/**
 * The worker's whole program. It runs from its source text (a worker cannot load .ts files under
 * tsx), so it imports nothing and uses no names from this module: the layout comes in `data`.
 */
function pumpBytes(data: PumpData): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const { from, to, closeTo, layout } = data;
  const bytes = Buffer.from(data.ring.data);
  const words = new Int32Array(data.ring.data);
  const times = new Float64Array(data.ring.data);
  const cursors = new Int32Array(data.ring.cursors);
  const doorbell = new Int32Array(data.doorbell);
  const mask = bytes.length - 1;
  const chunk = Buffer.allocUnsafe(layout.CHUNK_BYTES);
  // A non-blocking fd (its open file shared with a process that set O_NONBLOCK) answers EAGAIN:
  // sleep, doubling from 50 µs to 10 ms while nothing comes, rather than spin.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let backoffMs = 0.05;
  const retryLater = (err: unknown): boolean => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EINTR') return true;
    if (code !== 'EAGAIN') return false;
    Atomics.wait(pause, 0, 0, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 10);
    return true;
  };
  const ring = () => {
    Atomics.add(doorbell, layout.PUBLISHED, 1);
    if (Atomics.load(doorbell, layout.OBSERVER_WAITING) !== 0) Atomics.notify(doorbell, layout.PUBLISHED);
  };
  let delivering = true;
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(from, chunk, 0, chunk.length, null);
    } catch (err) {
      if (retryLater(err)) continue;
      break;
    }
    if (n === 0) break;
    const passedAt = performance.timeOrigin + performance.now();
    backoffMs = 0.05;
    // Into the ring before it is written on: a request is recorded before its answer can exist.
    const size = layout.RECORD_HEADER + ((n + 15) & ~15);
    const written = cursors[layout.RING_WRITTEN]!;
    for (let read = Atomics.load(cursors, layout.RING_READ); mask + 1 - ((written - read) >>> 0) < size; read = Atomics.load(cursors, layout.RING_READ)) {
      ring();
      Atomics.wait(cursors, layout.RING_READ, read);
    }
    const at = written & mask;
    words[at >> 2] = Atomics.add(doorbell, layout.NEXT_SEQ, 1);
    words[(at >> 2) + 1] = n;
    times[(at >> 3) + 1] = passedAt;
    const start = (at + layout.RECORD_HEADER) & mask;
    const first = Math.min(n, mask + 1 - start);
    // Buffer#copy allocates nothing (subarray() would, per chunk).
    chunk.copy(bytes, start, 0, first);
    if (first < n) chunk.copy(bytes, 0, first, n);
    Atomics.store(cursors, layout.RING_WRITTEN, (written + size) | 0);
    // A reader that went away (EPIPE) gets nothing more; the input is still read and observed,
    // so the other side is never blocked by it.
    for (let done = 0; delivering && done < n;) {
      try {
        done += fs.writeSync(to, chunk, done, n - done);
      } catch (err) {
        if (!retryLater(err)) delivering = false;
      }
    }
    ring();
  }
  if (closeTo) fs.closeSync(to);
}

// tsx compiles named functions with a `__name` helper that a worker's eval'd source lacks.
const PUMP_SOURCE = `const __name = (f) => f;
(${pumpBytes.toString()})(require('node:worker_threads').workerData);`;

export function startPump(from: number, to: number, closeTo: boolean, ring: ByteRing, doorbell: SharedArrayBuffer): Worker {
  const data: PumpData = { from, to, closeTo, ring, doorbell, layout: { RING_WRITTEN, RING_READ, NEXT_SEQ, PUBLISHED, OBSERVER_WAITING, CHUNK_BYTES, RECORD_HEADER } };
  // The fds were opened by the main thread: the worker closing one must not count as a leak.
  return new Worker(PUMP_SOURCE, { eval: true, workerData: data, trackUnmanagedFds: false });
}
