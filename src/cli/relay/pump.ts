// One direction of wrap's data path: a worker thread running the WASI pump (pump.wat), which moves
// bytes from one fd to another in blocking fd_read/fd_write calls, with no event loop and no
// JavaScript in the path, and copies each chunk into its ring (byte-ring.ts) for the main thread
// to observe. A full ring makes the pump wait for the main thread, so memory stays bounded and
// nothing is dropped from observation.
import { Worker } from 'node:worker_threads';
import { CHUNK_BYTES, type PumpLayout } from './byte-ring.js';
import { PUMP_WASM_BASE64 } from './pump-wasm.js';

export interface PumpData {
  from: number;
  to: number;
  /** Close `to` at end of input (the server's stdin: that is how it sees the client's EOF). */
  closeTo: boolean;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  ring: PumpLayout;
  chunkBytes: number;
}

/**
 * The worker's whole program. It runs from its source text (a worker cannot load .ts files under
 * tsx), so it imports nothing and uses no names from this module: everything comes in `data`.
 */
function pumpBytes(data: PumpData): void {
  // Node 20 and 22 warn that WASI is experimental; on wrap's stderr, the server's, it is noise.
  process.removeAllListeners('warning');
  const { WASI } = require('node:wasi') as typeof import('node:wasi');
  const { from, to, closeTo, memory, module, ring } = data;
  // WASI fd 0 reads `from`, fd 1 writes `to`; the pump sees no other fd and no file system.
  const wasi = new WASI({ version: 'preview1', stdin: from, stdout: to, returnOnExit: true });
  const instance = new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: { memory } });
  wasi.initialize(instance);
  (instance.exports.pump as (...offsets: number[]) => void)(ring.cursors, ring.data, ring.size, ring.chunk, data.chunkBytes, ring.scratch);
  if (closeTo) (require('node:fs') as typeof import('node:fs')).closeSync(to);
}

// tsx compiles named functions with a `__name` helper that a worker's eval'd source lacks.
const PUMP_SOURCE = `const __name = (f) => f;
(${pumpBytes.toString()})(require('node:worker_threads').workerData);`;

let compiled: WebAssembly.Module | undefined;

export function startPump(from: number, to: number, closeTo: boolean, memory: WebAssembly.Memory, ring: PumpLayout): Worker {
  compiled ??= new WebAssembly.Module(Buffer.from(PUMP_WASM_BASE64, 'base64'));
  const data: PumpData = { from, to, closeTo, memory, module: compiled, ring, chunkBytes: CHUNK_BYTES };
  // The fds were opened by the main thread: the worker closing one must not count as a leak.
  return new Worker(PUMP_SOURCE, { eval: true, workerData: data, trackUnmanagedFds: false });
}
