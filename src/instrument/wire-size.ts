// Message sizes for mcp_message_size_bytes. On the SDK's StdioServerTransport they come from the
// bytes the transport itself read and wrote (exact UTF-8 bytes, without serialising the message a
// second time: that JSON.stringify was the largest single cost of the metrics on a call). Other
// transports expose no bytes per message (Streamable HTTP writes through web streams, in-memory
// transports write nothing), so their messages are serialised once to measure them.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export interface WireSizes {
  /** Size of the inbound message being delivered now (call from onmessage, before anything else is read). */
  inbound(message: unknown): number;
  /** Size of the outbound message whose send() just returned. */
  outbound(message: unknown): number;
}

/** Serialised length; counts UTF-16 units, equal to UTF-8 bytes for ASCII JSON. */
const serialisedLength = (message: unknown): number => JSON.stringify(message).length;

const SERIALISED: WireSizes = { inbound: serialisedLength, outbound: serialisedLength };

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

/** Installs the byte counting on `transport` when it is the SDK's stdio server transport. */
export function wireSizes(transport: Transport): WireSizes {
  const stdio = stdioInternals(transport);
  if (stdio === undefined) return SERIALISED;
  let lastRead: number | undefined;
  let lastWritten: number | undefined;

  const buffer = stdio._readBuffer;
  const readMessage = buffer.readMessage.bind(buffer);
  // readMessage() takes one newline-terminated line off the buffer; the transport hands the
  // message to onmessage right after, so the count is read there.
  buffer.readMessage = () => {
    const before = buffer._buffer;
    const message = readMessage();
    if (message !== null && before !== undefined) {
      const line = before.length - (buffer._buffer?.length ?? 0);
      lastRead = line - 1 - (line >= 2 && before[line - 2] === CR ? 1 : 0);
    }
    return message;
  };

  const stdout = stdio._stdout;
  // send() serialises the message with a trailing newline and writes it synchronously, in one write.
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    lastWritten = (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength) - 1;
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

  return {
    inbound(message) {
      const bytes = lastRead;
      lastRead = undefined;
      return bytes ?? serialisedLength(message);
    },
    outbound(message) {
      const bytes = lastWritten;
      lastWritten = undefined;
      return bytes ?? serialisedLength(message);
    },
  };
}
