// Reads server-sent events out of a byte stream as it passes, for observation only: the bytes
// are forwarded by the caller untouched. Hands over each event's data (its `data:` lines joined).
import { MAX_OBSERVED_BYTES } from './line-splitter.js';

const LF = 0x0a;
const CR = 0x0d;

export class SseReader {
  /** Bytes of the line not yet ended: a line is decoded once whole, so no decoder state is kept (LF never falls inside a UTF-8 character). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private data: string[] = [];
  private dataLength = 0;

  /** `onData` gets each event's data; `onSkipped` each event too large to observe. */
  constructor(private readonly onData: (data: string) => void, private readonly onSkipped: () => void,
    private readonly maxBytes = MAX_OBSERVED_BYTES) {}

  push(bytes: Uint8Array): void {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
      let line = this.pendingBytes === 0 ? chunk.subarray(start, nl) : Buffer.concat([...this.pending, chunk.subarray(start, nl)]);
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      this.pending = [];
      this.pendingBytes = 0;
      this.line(line.toString('utf8'));
      start = nl + 1;
    }
    if (start < chunk.length) {
      // A copy: the caller's chunk may be reused once written.
      this.pending.push(Buffer.from(chunk.subarray(start)));
      this.pendingBytes += chunk.length - start;
    }
    if (this.pendingBytes + this.dataLength > this.maxBytes) {
      // One event larger than the bound: forget it; its remaining lines are taken as a new event's (and fail to parse).
      this.pending = [];
      this.pendingBytes = 0;
      this.data = [];
      this.dataLength = 0;
      this.onSkipped();
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onData(this.data.join('\n'));
      this.data = [];
      this.dataLength = 0;
    } else if (line.startsWith('data:')) {
      const value = line.slice(line.charCodeAt(5) === 0x20 ? 6 : 5);
      this.data.push(value);
      this.dataLength += value.length;
    }
  }
}
