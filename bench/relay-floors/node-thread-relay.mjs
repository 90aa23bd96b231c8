// Floor of a Node relay without the event loop in the data path: two worker threads in blocking
// readSync/writeSync loops, the child's stdin and stdout on FIFOs (blocking fds, which libuv's
// pipes are not); nothing observed. A thread blocked in read(2) keeps process.exit() from
// returning, so this floor ends only by the benchmark's SIGTERM: one reason it is not the product.
import { Worker } from 'node:worker_threads';
import { spawnOnFifos } from './fifo-child.mjs';

const { toChild, fromChild } = spawnOnFifos();
const PUMP = `const { readSync, writeSync, closeSync } = require('node:fs');
const { from, to } = require('node:worker_threads').workerData;
const buf = Buffer.allocUnsafe(65536);
for (let n; (n = readSync(from, buf, 0, buf.length, null)) > 0;) for (let done = 0; done < n;) done += writeSync(to, buf, done, n - done);
closeSync(to);`;
new Worker(PUMP, { eval: true, workerData: { from: 0, to: toChild }, trackUnmanagedFds: false }).unref();
new Worker(PUMP, { eval: true, workerData: { from: fromChild, to: 1 } }).unref();
