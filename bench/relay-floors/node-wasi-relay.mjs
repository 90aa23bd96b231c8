// Floor of wrap's data path as it is built: two worker threads each running a WASI module in a
// blocking fd_read/fd_write loop (the product's pump, src/cli/relay/pump.wat, less its ring), the
// child's stdin and stdout on FIFOs; nothing observed. Ends by the benchmark's SIGTERM, as the
// Node thread floor does.
import { Worker } from 'node:worker_threads';
import { spawnOnFifos } from './fifo-child.mjs';
import wabt from 'wabt';

const LOOP = `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "pump") (local $n i32) (local $done i32)
    (loop $next
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 65536))
      (if (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)) (then (return)))
      (local.set $n (i32.load (i32.const 16)))
      (if (i32.eqz (local.get $n)) (then (return)))
      (local.set $done (i32.const 0))
      (loop $more
        (i32.store (i32.const 32) (i32.add (i32.const 1024) (local.get $done)))
        (i32.store (i32.const 36) (i32.sub (local.get $n) (local.get $done)))
        (if (call $write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 48)) (then (return)))
        (local.set $done (i32.add (local.get $done) (i32.load (i32.const 48))))
        (br_if $more (i32.lt_u (local.get $done) (local.get $n))))
      (br $next))))`;
const parsed = (await wabt()).parseWat('loop.wat', LOOP);
const wasm = new WebAssembly.Module(parsed.toBinary({}).buffer);

const { toChild, fromChild } = spawnOnFifos();
const PUMP = `process.removeAllListeners('warning');
const { WASI } = require('node:wasi');
const { from, to, wasm } = require('node:worker_threads').workerData;
const wasi = new WASI({ version: 'preview1', stdin: from, stdout: to, returnOnExit: true });
const instance = new WebAssembly.Instance(wasm, wasi.getImportObject());
wasi.initialize(instance);
instance.exports.pump();
require('node:fs').closeSync(to);`;
new Worker(PUMP, { eval: true, workerData: { from: 0, to: toChild, wasm }, trackUnmanagedFds: false }).unref();
new Worker(PUMP, { eval: true, workerData: { from: fromChild, to: 1, wasm } }).unref();
