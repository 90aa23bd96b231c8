// Message sizes for mcp_message_size_bytes, from the bytes on the wire where the transport lets us
// count them, so a message is not serialised a second time to size it (that JSON.stringify was the
// largest single cost of the metrics on a call):
//  - SDK StdioServerTransport: the bytes its read buffer took off stdin and the bytes it wrote to
//    its stdout, in and out (UTF-8, without the line ending);
//  - Streamable HTTP, inbound: the POST body's Content-Length when the body held one message;
//  - Streamable HTTP, outbound on SSE (the SDK's default): the UTF-8 bytes of the event's data,
//    from the one encode() the transport makes of each event;
//  - anything else (JSON-response mode, batches, custom transports): the message serialised once,
//    its length in UTF-16 units (equal to UTF-8 bytes for ASCII JSON).
//  - a tap (the wrap and proxy commands), which reads the bytes itself: the size it gives.
// The SDK's InMemoryTransport hands objects over and no bytes exist: its messages are not sized
// (serialising both messages of a call only to size them was ~3 µs, most of the in-process cost).
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { MessageType, Recorder } from './events.js';

/** Serialised length; counts UTF-16 units, equal to UTF-8 bytes for ASCII JSON. */
const serialisedLength = (message: unknown): number => JSON.stringify(message).length;

/** What Streamable HTTP passes with each inbound message: one object per POST, shared by a batch's messages. */
export interface InboundRequestInfo { headers?: Record<string, string | string[] | undefined> }
type InboundExtra = { requestInfo?: InboundRequestInfo } | undefined;

/** The SDK 1.x StdioServerTransport fields read here (private; checked before use). */
interface StdioInternals {
  _readBuffer: { readMessage(): unknown; _buffer?: Buffer };
  _stdout: { write(chunk: string | Uint8Array, ...rest: unknown[]): boolean };
}

function stdioInternals(transport: Transport): StdioInternals | undefined {
  const t = transport as unknown as Partial<StdioInternals>;
  return typeof t._readBuffer?.readMessage === 'function' && typeof t._stdout?.write === 'function'
    ? (t as StdioInternals) : undefined;
}

interface Encoder { encode(text: string): Uint8Array }
/** The SDK 1.x web-standard Streamable HTTP transport's SSE writer (private; checked before use). */
interface SseInternals {
  writeSSEEvent(controller: unknown, encoder: Encoder, message: unknown, eventId?: string): boolean;
}

/** The web-standard transport itself, or the one the Node.js StreamableHTTPServerTransport wraps. */
function sseInternals(transport: Transport): SseInternals | undefined {
  const web = ((transport as { _webStandardTransport?: unknown })._webStandardTransport ?? transport) as Partial<SseInternals>;
  return typeof web.writeSSEEvent === 'function' ? (web as SseInternals) : undefined;
}

const SSE_DATA = 'data: ';

/** The SDK's InMemoryTransport (a linked pair passing message objects), which has no wire to size. */
export function carriesNoBytes(transport: Transport): boolean {
  const t = transport as { _messageQueue?: unknown };
  return Array.isArray(t._messageQueue) && '_otherTransport' in t;
}

const CR = 0x0d;
const RESOLVED = Promise.resolve();

/** Where a transport that reads the wire itself (a tap) puts the bytes of the message it is delivering or sending. */
export const WIRE_BYTES = Symbol('bytes of the message on the wire');
interface MeasuringTransport { [WIRE_BYTES]: number | undefined }
const measuring = (transport: Transport): MeasuringTransport | undefined =>
  (WIRE_BYTES in transport ? transport as unknown as MeasuringTransport : undefined);

export class MessageSizes {
  /** Bytes of the line the stdio read buffer handed over last, until the message is recorded. */
  private lastRead: number | undefined;
  /** The message inside send() now, and the bytes the transport wrote for it (when it wrote them there). */
  private inSend: unknown;
  private sentBytes: number | undefined;
  /**
   * The HTTP POST whose messages are being delivered, its Content-Length, its first message and how
   * many it delivered. The SDK delivers all messages of one POST synchronously: a microtask later,
   * or once another POST's message arrives, a POST that delivered one message is recorded with its
   * length; a batch's messages are serialised and recorded as they arrive.
   */
  private post: InboundRequestInfo | undefined;
  private postLength = 0;
  private postFirst: unknown;
  private postFirstType: MessageType = 'request';
  private postMessages = 0;
  private readonly recordPost = (): void => {
    if (this.post === undefined) return;
    if (this.postMessages === 1) this.recorder.message('in', this.postFirstType, this.postLength);
    this.post = undefined;
    this.postFirst = undefined;
  };

  /** False on transports without bytes: their messages are not recorded. */
  private readonly sized: boolean;
  private readonly measured: MeasuringTransport | undefined;

  constructor(transport: Transport, private readonly recorder: Pick<Recorder, 'message'>) {
    this.sized = !carriesNoBytes(transport);
    this.measured = measuring(transport);
    const stdio = stdioInternals(transport);
    if (stdio) this.countStdio(stdio);
    const sse = stdio ? undefined : sseInternals(transport);
    if (sse) this.countSse(sse);
  }

  /** Records an inbound message; call from onmessage, as the transport delivers it. */
  inbound(message: unknown, type: MessageType, extra: InboundExtra): void {
    if (!this.sized) return;
    const measured = this.measured?.[WIRE_BYTES];
    if (measured !== undefined) {
      this.recorder.message('in', type, measured);
      return;
    }
    if (this.lastRead !== undefined) {
      this.recorder.message('in', type, this.lastRead);
      this.lastRead = undefined;
      return;
    }
    const info = extra?.requestInfo;
    const length = Number(info?.headers?.['content-length']);
    if (info === undefined || !(length > 0)) {
      this.recorder.message('in', type, serialisedLength(message));
      return;
    }
    if (info !== this.post) {
      this.recordPost();
      this.post = info;
      this.postLength = length;
      this.postFirst = message;
      this.postFirstType = type;
      this.postMessages = 1;
      // A promise reaction (~150 instructions), not queueMicrotask(), which makes an AsyncResource each time (~900).
      RESOLVED.then(this.recordPost);
      return;
    }
    // A second message from the same POST: a batch, whose messages are sized one by one.
    if (++this.postMessages === 2) this.recorder.message('in', this.postFirstType, serialisedLength(this.postFirst));
    this.recorder.message('in', type, serialisedLength(message));
  }

  /** Call before the transport's send() of `message`: its bytes are counted as it writes them. */
  beforeSend(message: unknown): void {
    this.inSend = message;
    this.sentBytes = undefined;
  }

  /** Call after the transport's send() returned (or threw): records the message's size. */
  afterSend(message: unknown, type: MessageType): void {
    this.inSend = undefined;
    if (!this.sized) return;
    // Stdio and SSE write synchronously inside send(); an SSE event store defers the write past it.
    this.recorder.message('out', type, this.sentBytes ?? this.measured?.[WIRE_BYTES] ?? serialisedLength(message));
  }

  private countStdio(stdio: StdioInternals): void {
    const buffer = stdio._readBuffer;
    const readMessage = buffer.readMessage.bind(buffer);
    // readMessage() takes one newline-terminated line off the buffer; the transport hands the
    // message to onmessage right after.
    buffer.readMessage = () => {
      const before = buffer._buffer;
      const message = readMessage();
      if (message !== null && before !== undefined) {
        const line = before.length - (buffer._buffer?.length ?? 0);
        this.lastRead = line - 1 - (line >= 2 && before[line - 2] === CR ? 1 : 0);
      }
      return message;
    };
    const stdout = stdio._stdout;
    // send() serialises the message with a trailing newline and writes it synchronously, in one write.
    const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      if (this.inSend !== undefined) this.sentBytes = (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength) - 1;
      return stdout.write(chunk, ...rest);
    };
    // The stream itself (often process.stdout) stays untouched: only this transport's reference is wrapped.
    stdio._stdout = new Proxy(stdout, {
      get: (target, key) => {
        if (key === 'write') return write;
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private countSse(web: SseInternals): void {
    const writeEvent = web.writeSSEEvent.bind(web);
    // Each event ("event: message\n", an id line when resumable, "data: <JSON>\n\n") is encoded
    // once and enqueued; its bytes less the framing are the message's. Replays write outside send()
    // and are not counted again. One counting encoder per transport, pointed at the stream's encoder.
    let streamEncoder: Encoder | undefined;
    const counting: Encoder = {
      encode: (text) => {
        const bytes = streamEncoder!.encode(text);
        const data = text.indexOf(SSE_DATA);
        // The framing before the data is ASCII (event name, numeric or UUID event id), so one char is one byte.
        if (data >= 0) this.sentBytes = bytes.byteLength - (data + SSE_DATA.length) - (text.endsWith('\n\n') ? 2 : 0);
        return bytes;
      },
    };
    web.writeSSEEvent = (controller, encoder, message, eventId) => {
      if (message !== this.inSend) return writeEvent(controller, encoder, message, eventId);
      streamEncoder = encoder;
      return writeEvent(controller, counting, message, eventId);
    };
  }
}
