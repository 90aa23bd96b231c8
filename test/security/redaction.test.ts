// The redactor on its own: every corpus item is caught by its detector, ordinary text is left alone
// (false-positive rate printed), no depth or size lets a value through raw, keys are scanned, and
// the detectors' cost grows linearly with the input (random and adversarial strings, fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VALUE_DETECTORS } from '../../src/instrument/detectors.js';
import { applyToolResultPolicy } from '../../src/instrument/tool-results.js';
import { BUDGET_MARKER, REDACTION_BUDGET_CHARS, REDACTION_BUDGET_NODES, Redactor } from '../../src/instrument/redact.js';
import { ORDINARY_TEXT } from './fixtures/ordinary-text.js';
import { SECRETS_CORPUS } from './fixtures/secrets-corpus.js';

const redactor = (seen: string[] = []) => new Redactor((k) => seen.push(k), { ipAddresses: true });

describe('detectors', () => {
  it(`catch all ${SECRETS_CORPUS.length} corpus items, each under its own kind`, () => {
    const kinds = new Set(SECRETS_CORPUS.map((i) => i.kind));
    expect(SECRETS_CORPUS.length).toBeGreaterThanOrEqual(80);
    expect(kinds.size).toBeGreaterThanOrEqual(25);
    const missed: string[] = [];
    for (const item of SECRETS_CORPUS) {
      const seen: string[] = [];
      const out = redactor(seen).redactString(`see: ${item.value} (end)`);
      if (out.includes(item.secret) || !seen.includes(item.kind)) missed.push(`${item.kind}: ${out.slice(0, 60)}`);
    }
    expect(missed).toEqual([]);
  });

  it('leave ordinary text alone (false-positive rate printed)', () => {
    const hits = ORDINARY_TEXT.map((t) => {
      const seen: string[] = [];
      new Redactor((k) => seen.push(k)).redactString(t); // the default detectors (IP addresses only when configured)
      return seen.length > 0 ? `${seen.join(',')}: ${t.slice(0, 50)}` : undefined;
    }).filter((h) => h !== undefined);
    console.log(`false positives: ${hits.length} of ${ORDINARY_TEXT.length} ordinary texts (${(100 * hits.length / ORDINARY_TEXT.length).toFixed(1)} %)`);
    expect(hits).toEqual([]);
  });

  it('each has an example it catches (the docs list them)', () => {
    for (const d of VALUE_DETECTORS) {
      const seen: string[] = [];
      redactor(seen).redactString(d.example);
      expect(seen, d.kind).toContain(d.kind);
    }
  });
});

describe('walk', () => {
  it('redacts at any depth, in keys, and under secret-looking keys', () => {
    const secret = SECRETS_CORPUS.find((i) => i.kind === 'github_token')!.value;
    let deep: unknown = { note: secret, [secret]: 1 };
    for (let i = 0; i < 45; i++) deep = { level: [deep] };
    const text = JSON.stringify(redactor().redact(deep));
    expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED:github_token]');
    let deeper: unknown = secret;
    for (let i = 0; i < 100_000; i++) deeper = { level: deeper };
    expect(JSON.stringify(redactor().redact(deeper))).not.toContain(secret); // no stack overflow, no raw value
    const out = redactor().redact({ password: 'x', session_token: 42, api_signature: 'dGhpcyBpcyByYW5kb20hIQ9x2Kq7', max_tokens: 100 });
    expect(out).toEqual({ password: '[REDACTED:key]', session_token: '[REDACTED:key]', api_signature: '[REDACTED:high_entropy]', max_tokens: 100 });
  });

  it('replaces what lies beyond the budget by a marker, never passing it through', () => {
    const seen: string[] = [];
    const big = 'q'.repeat(REDACTION_BUDGET_CHARS + 1);
    expect(redactor(seen).redactString(big)).toBe(BUDGET_MARKER);
    const wide = Array.from({ length: REDACTION_BUDGET_NODES + 10 }, (_, i) => ({ i }));
    const out = redactor(seen).redact(wide) as unknown[];
    expect(out.at(-1)).toBe(BUDGET_MARKER);
    expect(seen).toContain('budget');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactor().redact(cyclic)).toEqual({ a: 1, self: '[REDACTED:cycle]' });
  });

  it('redacts tool results nested deeper than 8 levels, and their keys', () => {
    const secret = SECRETS_CORPUS.find((i) => i.kind === 'anthropic_key')!.value;
    let nested: unknown = { leak: secret, [secret]: 'as a key' };
    for (let i = 0; i < 12; i++) nested = { level: nested };
    const result = { content: [{ type: 'text', text: 'ok' }], structuredContent: nested };
    applyToolResultPolicy(result, { redactor: redactor() });
    expect(JSON.stringify(result)).not.toContain(secret);
  });
});

describe('cost', () => {
  // Today's e-mail detector took 6 s on 50 KB of 'q.q.…' (quadratic: minutes at 256 KiB). Linear
  // detectors take milliseconds per family; the bound leaves two orders of magnitude for a loaded
  // machine, so it only fails on superlinear behaviour (bench/redaction.ts measures the figures).
  it('redacts 256 KiB of each adversarial family in seconds, not minutes', { timeout: 120_000 }, () => {
    const units = ['q.', 'a', '1 ', '1-', 'aA1/', '@a.', 'a.a@', 'sk-', 'eyJ', 'eyJ.', '+1 ', 'DE89 ', 'a://a:', '-----BEGIN PRIVATE KEY-----', 'token='];
    const started = performance.now();
    for (const unit of units) {
      const text = unit.repeat(Math.ceil(REDACTION_BUDGET_CHARS / unit.length)).slice(0, REDACTION_BUDGET_CHARS);
      expect(redactor().redactString(text)).not.toBe(BUDGET_MARKER);
    }
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('never throws and never leaves an inserted secret, on random text (fast-check)', () => {
    const secrets = SECRETS_CORPUS.filter((i) => i.kind !== 'ip_address');
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...secrets), fc.constantFrom(' ', '\n', '\t', ', ', '; ', ' (', '"'),
      (noise, item, sep) => {
        const out = redactor().redactString(`${noise}${sep}${item.value}${sep === ' (' ? ')' : sep}${noise}`);
        return !out.includes(item.secret);
      }), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => typeof redactor().redactString(s) === 'string'), { numRuns: 300 });
  });
});
