// The in-process benchmark counts all the server's CPU for a call, including the work done after
// the request path: log and audit lines are formatted, hashed and written by a 10 ms timer, which
// must fire inside the measured run (the in-memory transport alone would answer every call in
// microtasks, and the lines would be written after the CPU was read).
import { expect, it, vi } from 'vitest';
import { InProcessServer } from '../../bench/inprocess.js';
import { LineSink } from '../../src/instrument/line-sink.js';

it('writes every line a run queued before the run reports its CPU', async () => {
  const server = await InProcessServer.start('full');
  try {
    const written: number[] = [];
    const flush = LineSink.prototype.flush;
    vi.spyOn(LineSink.prototype, 'flush').mockImplementation(function (this: LineSink<unknown>) {
      written.push((this as unknown as { queue: unknown[] }).queue.length);
      flush.call(this);
    });
    await server.run(300);
    // one audit line per call, all written inside run()
    expect(written.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(300);
  } finally {
    vi.restoreAllMocks();
    await server.instr.close();
  }
}, 60_000);
