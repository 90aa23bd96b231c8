// The stdio load driver: exactly the calls asked for, and a server that goes away fails the wait
// instead of leaving it pending forever.
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdioDriver } from '../../bench/server-process.js';

const ANSWER = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'ok' }] } });

/** A driver wired to in-memory pipes; `answer` decides what the fake server does with each request line. */
function fakeServer(answer: (request: { id: number }, stdout: PassThrough) => void) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const requests: number[] = [];
  createInterface({ input: stdin }).on('line', (line) => {
    const request = JSON.parse(line) as { id: number };
    requests.push(request.id);
    answer(request, stdout);
  });
  return { driver: new StdioDriver(stdin, createInterface({ input: stdout })), requests, stdout };
}

describe('StdioDriver', () => {
  it('sends exactly the calls asked for, with the window in flight', async () => {
    const { driver, requests } = fakeServer((r, out) => setImmediate(() => out.write(ANSWER(r.id) + '\n')));
    expect(await driver.calls(7, 3)).toMatchObject({ ok: 7, failed: 0 });
    expect(requests).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await driver.calls(0, 3)).toMatchObject({ ok: 0, failed: 0 });
  }, 5_000); // a driver that waits for answers that cannot come hangs: fail fast

  it('fails the wait when the server closes its stdout with calls in flight', async () => {
    const { driver } = fakeServer((r, out) => { if (r.id === 2) out.end(); else out.write(ANSWER(r.id) + '\n'); });
    await expect(driver.calls(5, 1)).rejects.toThrow('closed its stdout');
  }, 5_000);
});
