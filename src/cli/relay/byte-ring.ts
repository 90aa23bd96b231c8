// Rings of records in shared memory, written by the threads that relay bytes and read by the one
// that observes them, with a doorbell it waits on:
// - wrap: one WebAssembly memory (its pumps are WASI modules, pump.wat) with a ring per direction
//   where each pump copies the chunks it relayed, and each pump's chunk buffer and scratch words;
// - proxy: one ring of events (bytes either way on a connection, its opening and ending) that the
//   relaying main thread writes (RingWriter) and the observing worker reads.
//
// Layout of a ring: records at 16-byte aligned offsets ([tag int32][length int32][passed at,
// float64 ms, on the writer's clock][bytes], padded to 16), so a record's header never straddles
// the end; its bytes may. Its cursors hold the byte counts written and read so far (int32,
// wrapping; the capacity is a power of two). The proxy's tag is an event and its connection;
// wrap's is a sequence number, dense across both rings (one per chunk, taken before the chunk is
// written on), so merging the rings by sequence gives the order in which the bytes passed the
// relay. pump.wat spells the same offsets: keep the two in step.

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

/** Where a ring lies in its shared memory (byte offsets). */
export interface RingLayout { cursors: number; data: number; size: number }
/** A wrap pump's ring, chunk buffer and scratch words. */
export interface PumpLayout extends RingLayout { scratch: number; chunk: number }

export interface RelayMemory {
  memory: WebAssembly.Memory;
  /** The memory's bytes (a shared memory's buffer is a SharedArrayBuffer). */
  buffer: SharedArrayBuffer;
  fromClient: PumpLayout;
  fromServer: PumpLayout;
}

/** The shared memory of one relay: the doorbell, cursors and scratch in the first page, then the rings and chunk buffers. */
export function createRelayMemory(): RelayMemory {
  const ring = (i: number): PumpLayout => ({
    cursors: 16 + 8 * i, scratch: 32 + SCRATCH_BYTES * i,
    data: PAGE_BYTES + RING_BYTES * i, size: RING_BYTES, chunk: PAGE_BYTES + 2 * RING_BYTES + CHUNK_BYTES * i,
  });
  const pages = (PAGE_BYTES + 2 * RING_BYTES + 2 * CHUNK_BYTES) / PAGE_BYTES;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, buffer: memory.buffer as unknown as SharedArrayBuffer, fromClient: ring(0), fromServer: ring(1) };
}

/** One ring and its doorbell in a SharedArrayBuffer (the proxy's events). */
export function createEventRing(): { buffer: SharedArrayBuffer; ring: RingLayout } {
  return { buffer: new SharedArrayBuffer(PAGE_BYTES + RING_BYTES), ring: { cursors: 16, data: PAGE_BYTES, size: RING_BYTES } };
}

/** The doorbell's words, for Atomics. */
export const doorbellOf = (buffer: SharedArrayBuffer): Int32Array => new Int32Array(buffer, 0, 3);

/** Bytes of a record before its chunk. */
export const RECORD_HEADER = 16;

export interface RelayedChunk {
  /** The record's tag (sequence number, or event and connection). */
  tag: number;
  bytes: Buffer;
  /** When it passed the relaying thread, on this thread's performance.now() clock. */
  passedAt: number;
}

/**
 * What to subtract from the monotonic clock's milliseconds (WASI's in pump.wat, libuv's hrtime) to
 * read them on this thread's performance.now() clock, which counts from the thread's start on the
 * same clock. Read between two reads of performance.now(), after a first call of each: a first call
 * does lazy set-up, which put 1.5 ms between the two reads of an unguarded subtraction.
 */
export function monotonicOffset(): number {
  process.hrtime.bigint();
  const before = performance.now();
  const monotonic = Number(process.hrtime.bigint()) / 1e6;
  return monotonic - (before + performance.now()) / 2;
}

/** The observing end of a ring: records come out in the order they were put in. */
export class RingReader {
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly cursors: Int32Array;
  private readonly mask: number;
  private read = 0;
  private taken = false;

  /** `clockOffset`: what to subtract from the writer's times to read them on this thread's performance.now() clock. */
  constructor(buffer: SharedArrayBuffer, ring: RingLayout, private readonly clockOffset: number) {
    this.bytes = new Uint8Array(buffer, ring.data, ring.size);
    this.words = new Int32Array(buffer, ring.data, ring.size >> 2);
    this.times = new Float64Array(buffer, ring.data, ring.size >> 3);
    this.cursors = new Int32Array(buffer, ring.cursors, 2);
    this.mask = ring.size - 1;
  }

  /** The tag of the next record, or undefined while none is published. */
  nextTag(): number | undefined {
    if (Atomics.load(this.cursors, RING_WRITTEN) === this.read) return undefined;
    return this.words[(this.read & this.mask) >> 2];
  }

  /** Copies the next record out (the ring's space is reused once released). */
  take(): RelayedChunk {
    const at = this.read & this.mask;
    const tag = this.words[at >> 2]!;
    const length = this.words[(at >> 2) + 1]!;
    const passedAt = this.times[(at >> 3) + 1]! - this.clockOffset;
    const start = (at + RECORD_HEADER) & this.mask;
    const first = Math.min(length, this.mask + 1 - start);
    const bytes = Buffer.allocUnsafe(length);
    bytes.set(this.bytes.subarray(start, start + first));
    if (first < length) bytes.set(this.bytes.subarray(0, length - first), first);
    this.read = (this.read + RECORD_HEADER + ((length + 15) & ~15)) | 0;
    this.taken = true;
    return { tag, bytes, passedAt };
  }

  /** Gives the space of the records taken back to the writer, waking it if it waits for room. */
  release(): void {
    if (!this.taken) return;
    this.taken = false;
    Atomics.store(this.cursors, RING_READ, this.read);
    Atomics.notify(this.cursors, RING_READ);
  }
}

/**
 * The writing end of a ring, for a JavaScript thread (wrap's pumps write theirs in pump.wat): a
 * full ring makes the writer wait for the reader, so memory stays bounded and nothing is dropped.
 */
export class RingWriter {
  private readonly bytes: Buffer;
  private readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly cursors: Int32Array;
  private readonly doorbell: Int32Array;
  private readonly mask: number;
  private written = 0;

  constructor(buffer: SharedArrayBuffer, ring: RingLayout) {
    this.bytes = Buffer.from(buffer, ring.data, ring.size);
    this.words = new Int32Array(buffer, ring.data, ring.size >> 2);
    this.times = new Float64Array(buffer, ring.data, ring.size >> 3);
    this.cursors = new Int32Array(buffer, ring.cursors, 2);
    this.doorbell = doorbellOf(buffer);
    this.mask = ring.size - 1;
  }

  /** Puts a record in and rings for the reader if it waits. */
  write(tag: number, bytes: Uint8Array, passedAt: number): void {
    const size = RECORD_HEADER + ((bytes.length + 15) & ~15);
    if (size > this.mask + 1) throw new RangeError(`a ring record of ${bytes.length} bytes does not fit a ring of ${this.mask + 1}`);
    for (let read = Atomics.load(this.cursors, RING_READ); this.mask + 1 - ((this.written - read) >>> 0) < size; read = Atomics.load(this.cursors, RING_READ)) {
      this.ring();
      Atomics.wait(this.cursors, RING_READ, read);
    }
    const at = this.written & this.mask;
    this.words[at >> 2] = tag;
    this.words[(at >> 2) + 1] = bytes.length;
    this.times[(at >> 3) + 1] = passedAt;
    const start = (at + RECORD_HEADER) & this.mask;
    const first = Math.min(bytes.length, this.mask + 1 - start);
    this.bytes.set(first === bytes.length ? bytes : bytes.subarray(0, first), start);
    if (first < bytes.length) this.bytes.set(bytes.subarray(first), 0);
    this.written = (this.written + size) | 0;
    Atomics.store(this.cursors, RING_WRITTEN, this.written);
    this.ring();
  }

  private ring(): void {
    Atomics.add(this.doorbell, PUBLISHED, 1);
    if (Atomics.load(this.doorbell, OBSERVER_WAITING) !== 0) Atomics.notify(this.doorbell, PUBLISHED);
  }
}
