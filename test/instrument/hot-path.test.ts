// The shortcuts the request path takes must not change what lines say, what is counted or which
// trace is continued.
import { Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createInstrumentation, type InstrumentationOptions } from '../../src/instrument/index.js';
import { isoTime } from '../../src/instrument/iso-time.js';
import { Redactor } from '../../src/instrument/redact.js';
import { parseTraceparent, serverSpan } from '../../src/instrument/trace.js';

describe('isoTime', () => {
  it('equals Date.prototype.toISOString across millisecond padding and second, day and year boundaries', () => {
    const times = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, Date.UTC(2025, 11, 31, 23, 59, 59, 999), Date.UTC(2026, 0, 1),
      Date.UTC(2024, 1, 29, 12, 0, 0, 7), 253402300799999 /* 9999-12-31T23:59:59.999Z */];
    for (let t = 1764489075000; t < 1764489077050; t += 7) times.push(t);
    for (const t of times) expect(isoTime(t), String(t)).toBe(new Date(t).toISOString());
  });
});

describe('Redactor memo', () => {
  it('redacts a repeated string the same way and counts every replacement again', () => {
    const seen: string[] = [];
    const r = new Redactor((d) => seen.push(d));
    const text = 'mail alice@example.com or bob@example.org';
    for (let i = 0; i < 3; i++) expect(r.redactString(text)).toBe('mail [REDACTED:email] or [REDACTED:email]');
    expect(seen).toEqual(Array(6).fill('email'));
    expect(r.redactString('plain')).toBe('plain');
    expect(seen).toHaveLength(6);
  });

  it('keeps redacting sensitive keys and counting them once the key verdict is memoised', () => {
    const seen: string[] = [];
    const r = new Redactor((d) => seen.push(d));
    for (let i = 0; i < 2; i++) {
      expect(r.redact({ api_key: `k${i}`, query: 'q', nested: { Password: 'p' } }))
        .toEqual({ api_key: '[REDACTED:key]', query: 'q', nested: { Password: '[REDACTED:key]' } });
    }
    expect(seen).toEqual(['key', 'key', 'key', 'key']);
  });

  it('stays correct past its capacity (the memo is cleared, not grown)', () => {
    const seen: string[] = [];
    const r = new Redactor((d) => seen.push(d));
    for (let i = 0; i < 2500; i++) expect(r.redactString(`id-${i}`)).toBe(`id-${i}`);
    expect(r.redactString('AKIAIOSFODNN7EXAMPLE')).toBe('[REDACTED:aws_access_key]');
    expect(seen).toEqual(['aws_access_key']);
  });
});

describe('parseTraceparent', () => {
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';
  const span = '00f067aa0ba902b7';
  it('reads valid values, padded or not, and the sampled flag', () => {
    expect(parseTraceparent(`00-${id}-${span}-01`)).toEqual({ traceId: id, parentSpanId: span, sampled: true });
    expect(parseTraceparent(`  00-${id}-${span}-00\n`)).toEqual({ traceId: id, parentSpanId: span, sampled: false });
    expect(parseTraceparent(`01-${id}-${span}-03`)).toEqual({ traceId: id, parentSpanId: span, sampled: true });
  });
  it('rejects what W3C trace context rejects', () => {
    for (const bad of [`ff-${id}-${span}-01`, `00-${'0'.repeat(32)}-${span}-01`, `00-${id}-${'0'.repeat(16)}-01`,
      `00-${id.toUpperCase()}-${span}-01`, `00-${id}-${span}-1`, `00-${id}-${span}-01-extra`, `00_${id}-${span}-01`, 42, undefined]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('serverSpan ids', () => {
  it('are lowercase hex of W3C length and never repeat, across the random pool\'s refills', () => {
    const { traceId: parentTrace } = serverSpan(undefined);
    const ids = new Set<string>();
    // 24 random bytes a call: 1,000 calls take ~6 refills of the 4 KiB pool and 100 hex windows.
    for (let i = 0; i < 1000; i++) {
      const root = serverSpan(undefined);
      expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
      const child = serverSpan({ traceparent: `00-${parentTrace}-${root.spanId}-01` });
      expect(child).toMatchObject({ traceId: parentTrace, parentSpanId: root.spanId });
      expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
      ids.add(root.traceId).add(root.spanId).add(child.spanId);
    }
    expect(ids.size).toBe(3000);
  });
});

describe('exemplars on the tool duration histogram', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  /** One successful tools/call through a stub transport; the OpenMetrics exemplar's trace id and the log lines. */
  async function oneCall(options: Partial<InstrumentationOptions>, meta?: Record<string, unknown>): Promise<{ exemplar: string | undefined; lines: string[] }> {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
    const instr = createInstrumentation({ tools: ['echo'], log: { stream }, ...options });
    const stub: Transport = { start: async () => {}, send: async () => {}, close: async () => {} };
    stub.onmessage = () => {};
    instr.instrumentTransport(stub, { kind: 'stdio' });
    await stub.start();
    stub.onmessage!({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: {}, ...(meta ? { _meta: meta } : {}) } });
    await stub.send({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'ok' }] } });
    instr.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const text = await instr.registry.metrics();
    await instr.close();
    const exemplar = /mcp_tool_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="([0-9a-f]{32})"/.exec(text)?.[1];
    expect(text).toContain('mcp_tool_duration_seconds_count{tool="echo"} 1');
    return { exemplar, lines };
  }
  const traceIdOf = (lines: string[]) => lines.map((l) => JSON.parse(l) as { msg?: string; trace_id?: string })
    .find((l) => l.trace_id !== undefined)?.trace_id;

  it('carry the trace id of the call\'s log line when the line is written', async () => {
    const { exemplar, lines } = await oneCall({ logLevel: 'info' });
    expect(exemplar).toMatch(/^[0-9a-f]{32}$/);
    expect(exemplar).toBe(traceIdOf(lines));
  });

  it('carry the caller\'s trace id when the call continues a trace, with nothing logged', async () => {
    const { exemplar, lines } = await oneCall({ logLevel: 'warning' }, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
    expect(exemplar).toBe(TRACE);
    expect(traceIdOf(lines)).toBeUndefined();
  });

  it('are not written when the trace id leads nowhere (no span, no caller\'s trace, no line written)', async () => {
    const { exemplar, lines } = await oneCall({ logLevel: 'warning' });
    expect(traceIdOf(lines)).toBeUndefined();
    expect(exemplar).toBeUndefined();
  });
});
