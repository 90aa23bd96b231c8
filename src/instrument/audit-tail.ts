// Where a restarted audit trail continues: the last complete record whose MAC verifies, found by
// reading the file backwards in fixed chunks (memory stays bounded whatever the tail holds: a huge
// record, a line torn by a crash, appended garbage). Anything after that record is damage: the writer
// starts a new segment with a recovery record that names the damaged bytes (offset, length, SHA-256).
import * as crypto from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { GENESIS_HASH, HASH_SUFFIX, macStream, SEQ_PREFIX, type ChainKey } from './audit-chain.js';

const CHUNK = 64 * 1024;
/** How far back from the end a restart looks for the last good record. */
export const MAX_TAIL_SCAN_BYTES = 64 * 1024 * 1024;
/** `,"hash":"<64 hex>"}` */
const SUFFIX_LENGTH = 75;

export interface Damage {
  /** Byte offset where the damaged bytes start (just after the last good record's newline). */
  offset: number;
  /** Damaged bytes, counting the newline the writer adds to end a torn line. */
  bytes: number;
  /** SHA-256 (hex) of those bytes, newline included. */
  sha256: string;
  /** True when no good record was found within MAX_TAIL_SCAN_BYTES: the new segment cannot link to the old one. */
  unlinked: boolean;
}

export interface TailState {
  /** Sequence number and MAC of the last good record (0 and the genesis hash for a new file). */
  seq: number;
  prev: string;
  /** True for a missing or empty file. */
  fresh: boolean;
  damage?: Damage;
  /** The file ends without a newline: the writer must end that line first. */
  needsNewline: boolean;
}

export function readTail(file: string, key: ChainKey): TailState {
  if (!existsSync(file)) return { seq: 0, prev: GENESIS_HASH, fresh: true, needsNewline: false };
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { seq: 0, prev: GENESIS_HASH, fresh: true, needsNewline: false };
    const reader = new BackwardReader(fd);
    const needsNewline = reader.byteAt(size - 1) !== 0x0a;
    // Lines from the end: [start, stop) without the newline at stop.
    let stop = needsNewline ? size : size - 1;
    const floor = Math.max(0, size - MAX_TAIL_SCAN_BYTES);
    while (stop > floor) {
      const start = reader.lineStart(stop, floor);
      if (start < 0) break;
      const good = goodRecord(fd, start, stop, key);
      if (good) {
        const end = stop + 1;
        if (end >= size && !needsNewline) return { seq: good.seq, prev: good.hash, fresh: false, needsNewline };
        return { seq: good.seq, prev: good.hash, fresh: false, needsNewline, damage: damageOf(fd, end, size, needsNewline, false) };
      }
      stop = start - 1;
    }
    // No good record: all of the file (or of the scanned end) is damage; the new segment starts a new chain.
    const offset = stop <= 0 ? 0 : floor;
    return { seq: 0, prev: GENESIS_HASH, fresh: false, needsNewline, damage: damageOf(fd, offset, size, needsNewline, offset > 0) };
  } finally {
    closeSync(fd);
  }
}

/** The record on [start, stop) when it is one whose MAC verifies. */
function goodRecord(fd: number, start: number, stop: number, key: ChainKey): { seq: number; hash: string } | undefined {
  if (stop - start < SUFFIX_LENGTH + 10) return undefined;
  const head = readRange(fd, start, Math.min(stop, start + 32)).toString('latin1');
  const seq = SEQ_PREFIX.exec(head);
  const suffix = HASH_SUFFIX.exec(readRange(fd, stop - SUFFIX_LENGTH, stop).toString('latin1'));
  if (!seq || !suffix) return undefined;
  const mac = macStream(key);
  for (let at = start; at < stop - SUFFIX_LENGTH; at += CHUNK) mac.update(readRange(fd, at, Math.min(at + CHUNK, stop - SUFFIX_LENGTH)));
  mac.update('}');
  return mac.digest('hex') === suffix[1] ? { seq: Number(seq[1]), hash: suffix[1]! } : undefined;
}

function damageOf(fd: number, offset: number, size: number, needsNewline: boolean, unlinked: boolean): Damage {
  const sha = crypto.createHash('sha256');
  for (let at = offset; at < size; at += CHUNK) sha.update(readRange(fd, at, Math.min(at + CHUNK, size)));
  if (needsNewline) sha.update('\n');
  return { offset, bytes: size - offset + (needsNewline ? 1 : 0), sha256: sha.digest('hex'), unlinked };
}

function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.alloc(to - from);
  readSync(fd, buf, 0, buf.length, from);
  return buf;
}

/** Finds line starts backwards, one chunk in memory at a time. */
class BackwardReader {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;

  constructor(private readonly fd: number) {}

  byteAt(pos: number): number {
    if (pos < this.chunkStart || pos >= this.chunkStart + this.chunk.length) this.load(pos);
    return this.chunk[pos - this.chunkStart]!;
  }

  /** The start of the line ending at `stop` (just after the previous newline, or 0); -1 when it lies below `floor`. */
  lineStart(stop: number, floor: number): number {
    for (let pos = stop - 1; pos >= floor; pos--) {
      if (this.byteAt(pos) === 0x0a) return pos + 1;
    }
    return floor === 0 ? 0 : -1;
  }

  private load(pos: number): void {
    this.chunkStart = Math.max(0, pos - CHUNK + 1);
    this.chunk = readRange(this.fd, this.chunkStart, pos + 1);
  }
}
