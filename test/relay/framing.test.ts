// The observation side of the relays cuts streams into messages however the bytes arrive: lines
// split across chunks, CRLF, several per chunk, SSE events with multi-line data, and anything
// past the size bound skipped and reported, never held.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/cli/relay/line-splitter.js';
import { SseReader } from '../../src/cli/relay/sse-reader.js';

/** Every way of cutting `text` into two chunks gives the same result as one chunk. */
function everySplit<T>(text: string, run: (chunks: Buffer[]) => T): T[] {
  const bytes = Buffer.from(text);
  return Array.from({ length: bytes.length + 1 }, (_, i) => run([bytes.subarray(0, i), bytes.subarray(i)]));
}

describe('LineSplitter', () => {
  it('gives each line once, without LF or CRLF, wherever the chunks are cut', () => {
    const text = '{"a":1}\r\n{"b":"é"}\n\n{"c":3}\n{"partial"';
    for (const lines of everySplit(text, (chunks) => {
      const out: string[] = [];
      const splitter = new LineSplitter((l) => out.push(l.toString('utf8')), () => out.push('SKIPPED'));
      for (const c of chunks) splitter.push(c);
      return out;
    })) expect(lines).toEqual(['{"a":1}', '{"b":"é"}', '{"c":3}']);
  });

  it('skips a line longer than the bound, reports it once, and reads the next line', () => {
    const out: string[] = [];
    const splitter = new LineSplitter((l) => out.push(l.toString('utf8')), () => out.push('SKIPPED'), 8);
    splitter.push(Buffer.from('0123456'));
    splitter.push(Buffer.from('789abcdef'));
    splitter.push(Buffer.from('ghij\n{"ok":1}\n'));
    expect(out).toEqual(['SKIPPED', '{"ok":1}']);
  });
});

describe('SseReader', () => {
  it('gives each event\'s data once, multi-line data joined, comments and other fields ignored', () => {
    const text = ': keep-alive\n\nevent: message\nid: 7\ndata: {"a":\ndata: 1}\n\nevent: message\r\ndata:{"b":"é"}\r\n\r\n';
    for (const events of everySplit(text, (chunks) => {
      const out: string[] = [];
      const reader = new SseReader((d) => out.push(d), () => out.push('SKIPPED'));
      for (const c of chunks) reader.push(c);
      return out;
    })) expect(events).toEqual(['{"a":\n1}', '{"b":"é"}']);
  });

  it('drops an event larger than the bound and reports it', () => {
    const out: string[] = [];
    const reader = new SseReader((d) => out.push(d), () => out.push('SKIPPED'), 16);
    reader.push(Buffer.from(`data: ${'x'.repeat(40)}`));
    reader.push(Buffer.from('\n\ndata: {"ok":1}\n\n'));
    expect(out[0]).toBe('SKIPPED');
    expect(out).toContain('{"ok":1}');
  });
});
