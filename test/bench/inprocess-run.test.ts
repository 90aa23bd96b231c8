// The in-process benchmark counts all the server's CPU for a call, including the work done after
// the request path: log and audit lines are formatted, hashed and written by a 10 ms timer, which
// must fire inside the measured run (the in-memory transport alone would answer every call in
// microtasks, and the lines would be written after the CPU was read).
import { expect, it, vi } from 'vitest';
import { InProcessServer } from '../../bench/inprocess.js';
import { AuditTrail } from '../../src/instrument/audit.js';
import { LineSink } from '../../src/instrument/line-sink.js';

it('writes every line a run queued before the run reports its CPU', async () => {
  const server = await InProcessServer.start('full');
  try {
    // Lines each sink had queued when it wrote: log lines, and the audit trail's records.
    const written = { log: 0, audit: 0 };
    const logFlush = LineSink.prototype.flush;
    vi.spyOn(LineSink.prototype, 'flush').mockImplementation(function (this: LineSink<unknown>) {
      written.log += (this as unknown as { queue: unknown[] }).queue.length;
      logFlush.call(this);
    });
    const auditFlush = AuditTrail.prototype.flush;
    vi.spyOn(AuditTrail.prototype, 'flush').mockImplementation(function (this: AuditTrail) {
      written.audit += (this as unknown as { queue: unknown[] }).queue.length;
      auditFlush.call(this);
    });
    await server.run(300);
    // one audit record per call (the call's record: with an audit file its info line is not repeated), all written inside run()
    expect(written.audit).toBeGreaterThanOrEqual(300);
  } finally {
    vi.restoreAllMocks();
    await server.instr.close();
  }
}, 60_000);
