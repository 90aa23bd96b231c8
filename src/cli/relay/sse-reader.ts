// Reads server-sent events out of a byte stream as it passes, for observation only: the bytes
// are forwarded by the caller untouched. Hands over each event's data (its `data:` lines joined).
import { MAX_OBSERVED_BYTES } from './line-splitter.js';

export class SseReader {
  private pending = '';
  private data: string[] = [];
  private dataLength = 0;
  private readonly decoder = new TextDecoder();

  /** `onData` gets each event's data; `onSkipped` each event too large to observe. */
  constructor(private readonly onData: (data: string) => void, private readonly onSkipped: () => void,
    private readonly maxBytes = MAX_OBSERVED_BYTES) {}

  push(chunk: Uint8Array): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = this.pending.indexOf('\n'); nl !== -1; nl = this.pending.indexOf('\n', start)) {
      const end = nl > start && this.pending.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      this.line(this.pending.slice(start, end));
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length + this.dataLength > this.maxBytes) {
      // One event larger than the bound: forget it; its remaining lines are taken as a new event's (and fail to parse).
      this.pending = '';
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
