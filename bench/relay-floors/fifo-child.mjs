// The command line's child (process.argv[2] on) with its stdin and stdout on FIFOs (blocking fds,
// which libuv's pipes are not): the thread floors relay between our stdio and these.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts the child; returns our ends: the fd writing its stdin and the fd reading its stdout. */
export function spawnOnFifos() {
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
  child.on('exit', (code) => process.exit(code ?? 1));
  return { toChild: toChild.ours, fromChild: fromChild.ours };
}
