// Message sizes for mcp_message_size_bytes, from the bytes on the wire where the transport lets us
// count them, so a message is not serialised a second time to size it (that JSON.stringify was the
// largest single cost of the metrics on a call):
//  - SDK StdioServerTransport: the bytes its read buffer took off stdin and the bytes it wrote to
//    its stdout, in and out (UTF-8, without the line ending);
//  - Streamable HTTP, inbound: the POST body's Content-Length when the body held one message;
//  - anything else (Streamable HTTP responses, which go out through web streams, batches,
//    in-memory transports): the message serialised once, its length in UTF-16 units (equal to
//    UTF-8 bytes for ASCII JSON).
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

const CR = 0x0d;

export class MessageSizes {
  /** Bytes of the line the stdio read buffer handed over last, until the message is recorded. */
  private lastRead: number | undefined;
  /** Bytes the stdio transport wrote for the message being sent. */
  private lastWritten: number | undefined;
  /** Messages of each HTTP POST still to be recorded (recorded once the POST's messages are all delivered). */
  private readonly bodies = new WeakMap<InboundRequestInfo, { message: unknown; type: MessageType }[]>();

  constructor(transport: Transport, private readonly recorder: Pick<Recorder, 'message'>) {
    const stdio = stdioInternals(transport);
    if (stdio) this.countStdio(stdio);
  }

  /** Records an inbound message; call from onmessage, as the transport delivers it. */
  inbound(message: unknown, type: MessageType, extra: InboundExtra): void {
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
    // The SDK delivers all messages of one POST synchronously, then returns: a microtask later the
    // body is known to have held one message (its length is that message's size) or a batch.
    let body = this.bodies.get(info);
    if (body === undefined) {
      const messages: { message: unknown; type: MessageType }[] = [];
      body = messages;
      this.bodies.set(info, messages);
      queueMicrotask(() => {
        if (messages.length === 1) this.recorder.message('in', messages[0]!.type, length);
        else for (const m of messages) this.recorder.message('in', m.type, serialisedLength(m.message));
      });
    }
    body.push({ message, type });
  }

  /** Records an outbound message; call right after the transport's send() returned. */
  outbound(message: unknown, type: MessageType): void {
    const bytes = this.lastWritten ?? serialisedLength(message);
    this.lastWritten = undefined;
    this.recorder.message('out', type, bytes);
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
      this.lastWritten = (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength) - 1;
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
}
