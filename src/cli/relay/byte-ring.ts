// The shared memory between wrap's pump threads and the main thread: one ring per direction, where a
// pump copies each chunk it relayed as a record (sequence number, length, bytes), and a doorbell the
// main thread waits on. The pump side is in pump.ts (it runs in a worker and imports nothing).
//
// Layout of a ring: `data` holds records at 16-byte aligned offsets ([seq int32][length int32]
// [passed at float64, ms since the epoch][bytes], padded to 16), so a record's header never
// straddles the end; its bytes may. `cursors` holds the
// byte counts written and read so far (int32, wrapping; the capacity is a power of two).
// Sequence numbers are dense across both rings (one per chunk, taken before the chunk is written
// on), so merging the rings by sequence gives the order in which the bytes passed the relay.

export const RING_WRITTEN = 0;
export const RING_READ = 1;
/**
 * Indices into the doorbell: the next sequence number to hand out, a count of records published,
 * and whether the main thread is (about to be) waiting for one: the pumps notify only then
 * (Atomics.notify takes a process-wide lock in V8, a load does not).
 */
export const NEXT_SEQ = 0;
export const PUBLISHED = 1;
export const OBSERVER_WAITING = 2;
/** Bytes per ring: a bound on what observation may lag behind the relay before the pump waits. */
export const RING_BYTES = 2 << 20;
/** The largest chunk a pump reads at once (a record must fit in a ring). */
export const CHUNK_BYTES = 64 << 10;

export interface ByteRing {
  data: SharedArrayBuffer;
  cursors: SharedArrayBuffer;
}

export function createRing(bytes = RING_BYTES): ByteRing {
  return { data: new SharedArrayBuffer(bytes), cursors: new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT) };
}

export function createDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
}

/** Bytes of a record before its chunk. */
export const RECORD_HEADER = 16;

export interface RelayedChunk {
  bytes: Buffer;
  /** When the pump read it, on this thread's performance.now() clock. */
  passedAt: number;
}

/** The main thread's end of a ring: records come out in the order the pump put them in. */
export class RingReader {
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly cursors: Int32Array;
  private readonly mask: number;
  private read = 0;
  private taken = false;

  constructor(ring: ByteRing) {
    this.bytes = new Uint8Array(ring.data);
    this.words = new Int32Array(ring.data);
    this.times = new Float64Array(ring.data);
    this.cursors = new Int32Array(ring.cursors);
    this.mask = ring.data.byteLength - 1;
  }

  /** The sequence number of the next record, or undefined while none is published. */
  nextSeq(): number | undefined {
    if (Atomics.load(this.cursors, RING_WRITTEN) === this.read) return undefined;
    return this.words[(this.read & this.mask) >> 2];
  }

  /** Copies the next record out (the ring's space is reused once released). */
  take(): RelayedChunk {
    const at = this.read & this.mask;
    const length = this.words[(at >> 2) + 1]!;
    const passedAt = this.times[(at >> 3) + 1]! - performance.timeOrigin;
    const start = (at + RECORD_HEADER) & this.mask;
    const first = Math.min(length, this.mask + 1 - start);
    const bytes = Buffer.allocUnsafe(length);
    bytes.set(this.bytes.subarray(start, start + first));
    if (first < length) bytes.set(this.bytes.subarray(0, length - first), first);
    this.read = (this.read + RECORD_HEADER + ((length + 15) & ~15)) | 0;
    this.taken = true;
    return { bytes, passedAt };
  }

  /** Gives the space of the records taken back to the pump, waking it if it waits for room. */
  release(): void {
    if (!this.taken) return;
    this.taken = false;
    Atomics.store(this.cursors, RING_READ, this.read);
    Atomics.notify(this.cursors, RING_READ);
  }
}
