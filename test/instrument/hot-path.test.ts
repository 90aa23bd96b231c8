// The shortcuts the request path takes must not change what lines say, what is counted or which
// trace is continued.
import { describe, expect, it } from 'vitest';
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
