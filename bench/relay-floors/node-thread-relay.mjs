// Floor of a Node relay without the event loop in the data path: two worker threads in blocking
// readSync/writeSync loops, the child's stdin and stdout on FIFOs (blocking fds, which libuv's
// pipes are not); nothing observed. A thread blocked in read(2) keeps process.exit() from
// returning, so this floor ends only by the benchmark's SIGTERM: one reason it is not the product.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const dir = mkdtempSync(join(tmpdir(), 'relay-floor-'));
/** Both ends of a new FIFO, blocking: our end and the child's. */
function fifo(name, ourEnd) {
  const path = join(dir, name);
  execFileSync('mkfifo', ['-m', '600', path]);
  const opener = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  const reader = openSync(path, constants.O_RDONLY);
  closeSync(opener);
  return ourEnd === 'write' ? { ours: writer, theirs: reader } : { ours: reader, theirs: writer };
}
const toChild = fifo('in', 'write');
const fromChild = fifo('out', 'read');
rmSync(dir, { recursive: true });
const child = spawn(process.argv[2], process.argv.slice(3), { stdio: [toChild.theirs, fromChild.theirs, 'inherit'] });
closeSync(toChild.theirs);
closeSync(fromChild.theirs);
const PUMP = `const { readSync, writeSync, closeSync } = require('node:fs');
const { from, to } = require('node:worker_threads').workerData;
const buf = Buffer.allocUnsafe(65536);
for (let n; (n = readSync(from, buf, 0, buf.length, null)) > 0;) for (let done = 0; done < n;) done += writeSync(to, buf, done, n - done);
closeSync(to);`;
new Worker(PUMP, { eval: true, workerData: { from: 0, to: toChild.ours } }).unref();
new Worker(PUMP, { eval: true, workerData: { from: fromChild.ours, to: 1 } }).unref();
child.on('exit', (code) => process.exit(code ?? 1));
