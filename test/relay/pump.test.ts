// wrap's WASI pump (src/cli/relay/pump.wat): the committed module is the text's assembly, the text
// spells byte-ring.ts's layout, and a relay built on it passes bytes and tells when they passed on
// performance.now()'s clock.
import { spawn } from 'node:child_process';
import { closeSync, readFileSync, readSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NEXT_SEQ, OBSERVER_WAITING, PUBLISHED, RECORD_HEADER, RING_READ, RING_WRITTEN } from '../../src/cli/relay/byte-ring.js';
import { openServerFifos, startThreadRelay } from '../../src/cli/relay/thread-relay.js';
import { assemblePump, PUMP_MODULE_FILE, PUMP_SOURCE_FILE } from '../../scripts/pump-assembly.js';

/** The value of `(global $name i32 (i32.const N))` in pump.wat. */
function watConstant(name: string): number {
  const match = new RegExp(`\\(global \\$${name} i32 \\(i32\\.const (\\d+)\\)\\)`).exec(readFileSync(PUMP_SOURCE_FILE, 'utf8'));
  if (!match) throw new Error(`pump.wat has no constant ${name}`);
  return Number(match[1]);
}

describe('wrap pump', () => {
  it('is committed as the assembly of pump.wat (run npm run assemble:pump after editing it)', async () => {
    expect(readFileSync(PUMP_MODULE_FILE, 'utf8')).toBe(await assemblePump());
  });

  it.each([
    ['NEXT_SEQ', NEXT_SEQ], ['PUBLISHED', PUBLISHED], ['OBSERVER_WAITING', OBSERVER_WAITING],
    ['RING_WRITTEN', RING_WRITTEN], ['RING_READ', RING_READ],
  ])('spells %s at the byte offset of byte-ring.ts\'s int32 index', (name, index) => {
    expect(watConstant(name)).toBe(index * Int32Array.BYTES_PER_ELEMENT);
  });

  it('spells the record header\'s size as byte-ring.ts does', () => {
    expect(watConstant('RECORD_HEADER')).toBe(RECORD_HEADER);
  });

  it('relays both ways and stamps each chunk with when it passed, on performance.now()\'s clock', async () => {
    // The client's side is a second pair of FIFOs: the test writes the client's input and reads its output.
    const server = openServerFifos()!;
    const client = openServerFifos()!;
    const cat = spawn('cat', [], { stdio: [server.serverStdin, server.serverStdout, 'inherit'] });
    const catExited = new Promise((resolve) => cat.once('exit', resolve));
    closeSync(server.serverStdin);
    closeSync(server.serverStdout);
    const seen: { side: string; text: string; passedAt: number }[] = [];
    const relay = startThreadRelay(server, client.serverStdin, client.serverStdout,
      (side, chunk, passedAt) => seen.push({ side, text: chunk.toString(), passedAt }));

    const before = performance.now();
    writeSync(client.toServer, 'ping\n');
    const echoed = Buffer.alloc(5);
    for (let got = 0; got < 5;) got += readSync(client.fromServer, echoed, got, 5 - got, null);
    const after = performance.now();
    expect(echoed.toString()).toBe('ping\n');
    await expect.poll(() => seen.length).toBe(2);
    expect(seen.map(({ side, text }) => [side, text])).toEqual([['fromClient', 'ping\n'], ['fromServer', 'ping\n']]);
    for (const { passedAt } of seen) {
      expect(passedAt).toBeGreaterThanOrEqual(before);
      expect(passedAt).toBeLessThanOrEqual(after);
    }
    expect(seen[0]!.passedAt).toBeLessThanOrEqual(seen[1]!.passedAt);

    // The client's end of input reaches the server as end of input; its exit ends the relay.
    closeSync(client.toServer);
    await relay.inputEnded;
    await relay.outputEnded;
    await catExited;
    for (const fd of [client.serverStdin, client.serverStdout, client.fromServer]) closeSync(fd);
  });
});
