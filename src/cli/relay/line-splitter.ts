// Cuts a byte stream into newline-delimited lines (stdio JSON-RPC framing) as it passes, for
// observation only: the bytes themselves are forwarded by the caller untouched.

/** Lines longer than this are not observed (they are still forwarded): a bound on what one line can hold in memory. */
export const MAX_OBSERVED_BYTES = 16 << 20;

export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  /** Inside a line that outgrew the limit: dropped until its newline. */
  private skipping = false;

  /** `onLine` gets each line without its newline (and without a CR before it); `onSkipped` each line too long to observe. */
  constructor(private readonly onLine: (line: Buffer) => void, private readonly onSkipped: () => void,
    private readonly maxBytes = MAX_OBSERVED_BYTES) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.endLine(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  private hold(piece: Buffer): void {
    if (this.skipping) return;
    this.held += piece.length;
    if (this.held > this.maxBytes) {
      this.parts = [];
      this.held = 0;
      this.skipping = true;
      return;
    }
    this.parts.push(piece);
  }

  private endLine(tail: Buffer): void {
    if (this.skipping) {
      this.skipping = false;
      this.onSkipped();
      return;
    }
    let line = tail;
    if (this.parts.length > 0) {
      this.parts.push(tail);
      line = Buffer.concat(this.parts);
      this.parts = [];
      this.held = 0;
    }
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    if (line.length > 0) this.onLine(line);
  }
}
