// The memory wrap's pump threads share with the main thread: one WebAssembly memory (the pumps are
// WASI modules, pump.wat) holding a doorbell the main thread waits on, and per direction a ring
// where the pump copies each chunk it relayed as a record (sequence number, length, time, bytes),
// the ring's cursors, the pump's chunk buffer and its scratch words.
//
// Layout of a ring: records at 16-byte aligned offsets ([seq int32][length int32][passed at,
// float64 ms of the monotonic clock][bytes], padded to 16), so a record's header never straddles
// the end; its bytes may. Its cursors hold the byte counts written and read so far (int32,
// wrapping; the capacity is a power of two). Sequence numbers are dense across both rings (one per
// chunk, taken before the chunk is written on), so merging the rings by sequence gives the order
// in which the bytes passed the relay. pump.wat spells the same offsets: keep the two in step.

/** Int32 indices of a ring's cursors (pump.wat: byte offsets 0 and 4 from its `cursors`). */
export const RING_WRITTEN = 0;
export const RING_READ = 1;
/**
 * Int32 indices of the doorbell's words at the memory's start (pump.wat: byte offsets 0, 4, 8):
 * the next sequence number to hand out, a count of records published, and whether the main thread
 * is (about to be) waiting for one: the pumps notify only then (a notify takes a process-wide lock
 * in V8, a load does not).
 */
export const NEXT_SEQ = 0;
export const PUBLISHED = 1;
export const OBSERVER_WAITING = 2;
/** Bytes per ring: a bound on what observation may lag behind the relay before the pump waits. */
export const RING_BYTES = 2 << 20;
/** The largest chunk a pump reads at once (a record must fit in a ring). */
export const CHUNK_BYTES = 64 << 10;

const PAGE_BYTES = 64 << 10;
/** A pump's scratch: an iovec, a byte count, a time and a word to sleep on (pump.wat). */
const SCRATCH_BYTES = 32;

/** Where one direction's parts lie in the shared memory (byte offsets). */
export interface RingLayout { cursors: number; scratch: number; data: number; size: number; chunk: number }

export interface RelayMemory {
  memory: WebAssembly.Memory;
  fromClient: RingLayout;
  fromServer: RingLayout;
}

/** The shared memory of one relay: the doorbell, cursors and scratch in the first page, then the rings and chunk buffers. */
export function createRelayMemory(): RelayMemory {
  const ringBytes = RING_BYTES;
  const ring = (i: number): RingLayout => ({
    cursors: 16 + 8 * i, scratch: 32 + SCRATCH_BYTES * i,
    data: PAGE_BYTES + ringBytes * i, size: ringBytes, chunk: PAGE_BYTES + 2 * ringBytes + CHUNK_BYTES * i,
  });
  const pages = (PAGE_BYTES + 2 * ringBytes + 2 * CHUNK_BYTES) / PAGE_BYTES;
  return { memory: new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }), fromClient: ring(0), fromServer: ring(1) };
}

/** The doorbell's words, for Atomics. */
export const doorbellOf = (memory: WebAssembly.Memory): Int32Array => new Int32Array(memory.buffer, 0, 3);

/** Bytes of a record before its chunk. */
export const RECORD_HEADER = 16;

export interface RelayedChunk {
  bytes: Buffer;
  /** When the pump read it, on this thread's performance.now() clock. */
  passedAt: number;
}

/**
 * What to subtract from the monotonic clock's milliseconds (WASI's, libuv's hrtime) to read them on
 * performance.now()'s clock, which counts from this process's start on the same clock. Read between
 * two reads of performance.now(), after a first call of each: a first call does lazy set-up, which
 * put 1.5 ms between the two reads of an unguarded subtraction.
 */
function monotonicOffset(): number {
  process.hrtime.bigint();
  const before = performance.now();
  const monotonic = Number(process.hrtime.bigint()) / 1e6;
  return monotonic - (before + performance.now()) / 2;
}

/** The main thread's end of a ring: records come out in the order the pump put them in. */
export class RingReader {
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly cursors: Int32Array;
  private readonly mask: number;
  private readonly offset = monotonicOffset();
  private read = 0;
  private taken = false;

  constructor(memory: WebAssembly.Memory, ring: RingLayout) {
    const buffer = memory.buffer;
    this.bytes = new Uint8Array(buffer, ring.data, ring.size);
    this.words = new Int32Array(buffer, ring.data, ring.size >> 2);
    this.times = new Float64Array(buffer, ring.data, ring.size >> 3);
    this.cursors = new Int32Array(buffer, ring.cursors, 2);
    this.mask = ring.size - 1;
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
    const passedAt = this.times[(at >> 3) + 1]! - this.offset;
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
