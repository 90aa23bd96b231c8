// /ready tells a load balancer or orchestrator whether to send sessions: yes from the start (an
// HTTP server gets its first session only once it is ready), no once the instrumentation closed.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createInstrumentation } from '../../src/instrument/index.js';

describe('/ready', () => {
  it('is ready before any session and not ready after close()', async () => {
    const instr = createInstrumentation({ log: { stream: new Writable({ write: (_chunk, _enc, done) => done() }) } });
    const served = await instr.serveMetrics();
    try {
      const before = await fetch(`${served.url}/ready`);
      expect(before.status).toBe(200);
      expect(await before.json()).toMatchObject({ status: 'ready', transports: 0, open_sessions: 0 });
      await instr.close();
      const after = await fetch(`${served.url}/ready`);
      expect(after.status).toBe(503);
      expect(await after.json()).toMatchObject({ status: 'not ready', closed: true });
    } finally {
      await served.close();
    }
  });
});
