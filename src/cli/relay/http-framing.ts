// Reads HTTP/1.1 messages out of one direction of a relayed connection as the bytes pass (RFC 9112):
// heads, bodies framed by Content-Length, the chunked coding or the connection's end, keep-alive
// and pipelining. It only holds a head until it is complete (the relay may rewrite it); every other
// byte is handed back at once, untouched, for the relay to forward.

/** A head larger than this is not HTTP we read: the rest of the connection passes unparsed. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Bound on a chunk-size or trailer line (the bytes are passed on regardless; only our copy is bounded). */
const MAX_LINE_BYTES = 8 * 1024;

export interface HttpHead {
  /** The head as received, start line to the blank line, one char per byte (latin1). */
  text: string;
  /** Request: method, target, version. Response: version, status, reason. */
  startLine: [string, string, string];
  /** Field names in lower case; repeated fields joined by ", ". */
  headers: Map<string, string>;
}

export interface FramingHandlers {
  /** A complete head. Its bytes are not passed on: the caller forwards `text`, rewritten or not. */
  head(head: HttpHead): void;
  /** Every byte that is not part of a head, as received (chunk sizes included), in stream order with the heads. */
  pass(bytes: Buffer): void;
  /** The message's body, chunked coding removed. */
  body(data: Buffer): void;
  /** The message is complete (its body, or its head when it has none). */
  end(): void;
  /** From here on the stream is not HTTP/1.1 we read (protocol switch, HTTP/2, malformed): all of it is passed. */
  opaque(): void;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'opaque';

const CRLF2 = Buffer.from('\r\n\r\n');

export class HttpFraming {
  private state: State = 'head';
  /** Bytes of an incomplete head (not yet passed), or our copy of an incomplete line. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Body bytes left in the message (length) or chunk (chunk-data, chunk-crlf). */
  private remaining = 0;

  /** For responses, `requestMethod` says which request the next final answer is for (HEAD and CONNECT change its framing). */
  constructor(private readonly kind: 'request' | 'response', private readonly on: FramingHandlers,
    private readonly requestMethod: () => string | undefined = () => undefined) {}

  push(chunk: Buffer): void {
    let at = 0;
    /** Start of the bytes not yet handed to `pass`. */
    let passFrom = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case 'opaque':
        case 'until-close':
          if (this.state === 'until-close') this.on.body(chunk.subarray(at));
          at = chunk.length;
          break;
        case 'head': {
          // Empty lines before a message are ignored (RFC 9112 §2.2), and passed on.
          if (this.heldBytes === 0 && (chunk[at] === 0x0d || chunk[at] === 0x0a)) {
            at++;
            break;
          }
          if (passFrom < at) this.on.pass(chunk.subarray(passFrom, at));
          const end = this.headEnd(chunk, at);
          if (end === -1) {
            this.hold(chunk.subarray(at));
            if (this.heldBytes > MAX_HEAD_BYTES) this.becomeOpaque();
            return;
          }
          const text = this.takeHeld(chunk.subarray(at, end)).toString('latin1');
          at = passFrom = end;
          this.readHead(text);
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.remaining, chunk.length - at);
          this.on.body(chunk.subarray(at, at + n));
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === 'length') this.endMessage();
            else {
              this.state = 'chunk-crlf';
              this.remaining = 2;
            }
          }
          break;
        }
        case 'chunk-crlf': {
          const n = Math.min(this.remaining, chunk.length - at);
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'chunk-size';
          break;
        }
        case 'chunk-size':
        case 'trailers': {
          const nl = chunk.indexOf(0x0a, at);
          if (nl === -1) {
            this.hold(chunk.subarray(at));
            at = chunk.length;
            if (this.heldBytes > MAX_LINE_BYTES) {
              this.pass(chunk, passFrom);
              this.becomeOpaque();
              return;
            }
            break;
          }
          const line = this.takeHeld(chunk.subarray(at, nl)).toString('latin1').trim();
          at = nl + 1;
          if (this.state === 'trailers') {
            if (line === '') this.endMessage();
            break;
          }
          const size = parseInt(line, 16);
          if (!/^[0-9a-f]+$/i.test(line.split(';')[0]!.trim()) || !Number.isSafeInteger(size)) {
            this.pass(chunk, passFrom);
            this.becomeOpaque();
            return;
          }
          if (size === 0) this.state = 'trailers';
          else {
            this.state = 'chunk-data';
            this.remaining = size;
          }
          break;
        }
      }
    }
    this.pass(chunk, passFrom);
  }

  /** Inside a message that has not ended (a connection closing now cuts it short). */
  get partial(): boolean {
    return this.state === 'head' ? this.heldBytes > 0 : this.state !== 'opaque' && this.state !== 'until-close';
  }

  /** The connection's end: a body that runs until the close is complete; any other message was cut short. */
  close(): void {
    if (this.state === 'until-close') this.endMessage();
  }

  /** Passes everything from now on unparsed (the other direction saw the protocol switch). */
  passThrough(): void {
    if (this.state === 'head' && this.heldBytes > 0) this.on.pass(this.takeHeld(Buffer.alloc(0)));
    this.state = 'opaque';
  }

  private pass(chunk: Buffer, from: number): void {
    if (from < chunk.length) this.on.pass(from === 0 ? chunk : chunk.subarray(from));
  }

  private becomeOpaque(): void {
    this.passThrough();
    this.held = [];
    this.heldBytes = 0;
    this.on.opaque();
  }

  /** Offset just past the blank line ending the head that starts at `at`, with the held bytes before it; -1 if not yet. */
  private headEnd(chunk: Buffer, at: number): number {
    if (this.heldBytes === 0) {
      const i = chunk.indexOf(CRLF2, at);
      return i === -1 ? -1 : i + 4;
    }
    // The blank line may straddle the held bytes and this chunk: search the last 3 held bytes with the chunk.
    const tail = Buffer.concat(this.held).subarray(-3);
    const i = Buffer.concat([tail, chunk.subarray(at)]).indexOf(CRLF2);
    return i === -1 ? -1 : at + i + 4 - tail.length;
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    this.held.push(Buffer.from(piece)); // a copy: the caller's chunk may be reused once written
    this.heldBytes += piece.length;
  }

  private takeHeld(last: Buffer): Buffer {
    if (this.heldBytes === 0) return last;
    const all = Buffer.concat([...this.held, last]);
    this.held = [];
    this.heldBytes = 0;
    return all;
  }

  private readHead(text: string): void {
    // Scanned in place (no array of lines): a head is read on the request's way to the upstream.
    const firstEnd = text.indexOf('\r\n');
    const sp1 = text.indexOf(' ');
    const sp2 = text.indexOf(' ', sp1 + 1);
    const startLine: [string, string, string] = sp2 === -1 || sp2 > firstEnd
      ? [text.slice(0, sp1), text.slice(sp1 + 1, firstEnd), ''] : [text.slice(0, sp1), text.slice(sp1 + 1, sp2), text.slice(sp2 + 1, firstEnd)];
    const version = this.kind === 'request' ? startLine[2] : startLine[0];
    if (sp1 <= 0 || sp1 > firstEnd || !version.startsWith('HTTP/1.')) {
      this.on.pass(Buffer.from(text, 'latin1'));
      this.becomeOpaque();
      return;
    }
    const headers = new Map<string, string>();
    // Field lines up to the blank line that ends the head (its last 4 chars are CRLF CRLF).
    for (let at = firstEnd + 2; at < text.length - 2;) {
      const end = text.indexOf('\r\n', at);
      const colon = text.indexOf(':', at);
      if (colon > at && colon < end) {
        const name = text.slice(at, colon).toLowerCase();
        const value = text.slice(colon + 1, end).trim();
        const before = headers.get(name);
        headers.set(name, before === undefined ? value : `${before}, ${value}`);
      }
      at = end + 2;
    }
    this.on.head({ text, startLine, headers });
    this.startBody(startLine, headers);
  }

  /** RFC 9112 §6.3: how the message's body is framed. */
  private startBody(startLine: [string, string, string], headers: Map<string, string>): void {
    if (this.kind === 'response') {
      const status = Number(startLine[1]);
      if (status === 101) return this.becomeOpaque();
      if (status < 200) return this.endMessage(); // interim (100 Continue, 103): the final answer follows
      const method = this.requestMethod();
      if (method === 'CONNECT' && status < 300) return this.becomeOpaque();
      if (method === 'HEAD' || status === 204 || status === 304) return this.endMessage();
    }
    const coding = headers.get('transfer-encoding');
    if (coding !== undefined) {
      if (/(?:^|,)\s*chunked\s*$/i.test(coding)) this.state = 'chunk-size';
      else if (this.kind === 'response') this.state = 'until-close';
      else this.becomeOpaque();
      return;
    }
    const length = headers.get('content-length');
    if (length !== undefined) {
      this.remaining = Number(length.split(',')[0]);
      if (!Number.isSafeInteger(this.remaining) || this.remaining < 0) return this.becomeOpaque();
      if (this.remaining === 0) return this.endMessage();
      this.state = 'length';
      return;
    }
    if (this.kind === 'response') this.state = 'until-close';
    else this.endMessage();
  }

  private endMessage(): void {
    this.state = 'head';
    this.on.end();
  }
}
