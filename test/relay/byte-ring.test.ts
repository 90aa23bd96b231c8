// The proxy's event ring: what the relaying thread's RingWriter puts in, the observer's RingReader
// takes out, whole and in order, across the ring's end, with the writer's times on its own clock.
import { describe, expect, it } from 'vitest';
import { createEventRing, RING_BYTES, RingReader, RingWriter } from '../../src/cli/relay/byte-ring.js';

describe('event ring', () => {
  it('gives back every record whole and in order, also where it wraps past the ring\'s end', () => {
    const { buffer, ring } = createEventRing();
    const writer = new RingWriter(buffer, ring);
    const reader = new RingReader(buffer, ring, 100);
    let read = 0;
    /** Records that came back other than they went in (checked one by one, asserted once: deep equality of 3,000 buffers is slow). */
    const wrong: number[] = [];
    // 3,000 records of 1 to 1,999 bytes: about 3 MiB through a 2 MiB ring, taken back 50 at a time.
    for (let i = 0; i < 3_000; i++) {
      writer.write(i * 8 + 1, Buffer.alloc(1 + ((i * 797) % 1_999), i % 251), 1_000 + i);
      if (i % 50 !== 49) continue;
      for (let tag = reader.nextTag(); tag !== undefined; tag = reader.nextTag(), read++) {
        const { bytes, passedAt } = reader.take();
        // Times are read on the reader's clock: the writer's less the offset the reader was given.
        const whole = tag === read * 8 + 1 && bytes.equals(Buffer.alloc(1 + ((read * 797) % 1_999), read % 251)) && passedAt === 900 + read;
        if (!whole) wrong.push(read);
      }
      reader.release();
    }
    expect(wrong).toEqual([]);
    expect(read).toBe(3_000);
    expect(reader.nextTag()).toBeUndefined();
  });

  it('refuses a record larger than the ring instead of waiting for room that never comes', () => {
    const { buffer, ring } = createEventRing();
    expect(() => new RingWriter(buffer, ring).write(1, Buffer.alloc(RING_BYTES), 0)).toThrow(RangeError);
  });
});
