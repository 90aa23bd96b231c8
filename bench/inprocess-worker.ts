// One variant of the in-process benchmark in a process of its own, driven over stdin/stdout:
// each line "<calls>" runs that many tool calls and answers {"us": <CPU µs per call>}. A process
// per variant keeps variants from taxing each other: an AsyncLocalStorage entered by one makes
// every promise of the process pay, and one variant's garbage is collected during another's round.
//   node --import tsx bench/inprocess-worker.ts <variant>
import { createInterface } from 'node:readline';
import { InProcessServer } from './inprocess.js';
import { isVariant, VARIANTS } from './variants.js';

/** Each run is split in blocks; the least disturbed block stands for it (contention only adds CPU). */
const BLOCKS = 4;

const variant = process.argv[2];
if (!isVariant(variant)) throw new Error(`variant must be one of ${VARIANTS.join(', ')}, got ${variant}`);
const server = await InProcessServer.start(variant);
process.stdout.write(JSON.stringify({ ready: variant }) + '\n');
for await (const line of createInterface({ input: process.stdin })) {
  const calls = Number(line);
  if (!Number.isInteger(calls) || calls < BLOCKS) throw new Error(`expected a call count ≥ ${BLOCKS}, got ${line}`);
  let best = Infinity;
  for (let b = 0; b < BLOCKS; b++) best = Math.min(best, await server.run(Math.floor(calls / BLOCKS)));
  process.stdout.write(JSON.stringify({ us: best }) + '\n');
}
await server.instr.close();
