// Redaction of secrets and personal data before anything reaches a log or audit line. Two kinds
// of detector: sensitive keys (the value is dropped whatever it is) and value patterns (the
// matching part of any string is replaced). Every redaction is reported to `onRedact(detector)`.

const SENSITIVE_KEY = /authori[sz]ation|passw(or)?d|passphrase|secret|token|api[_-]?key|apikey|cookie|credential|private[_-]?key|session[_-]?key/i;

interface ValueDetector {
  name: string;
  pattern: RegExp;
  /** Extra check on a match (e.g. Luhn for card numbers); default accept. */
  accept?: (match: string) => boolean;
}

function luhn(digits: string): boolean {
  const d = digits.replace(/\D/g, '');
  if (d.length < 13 || d.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

const VALUE_DETECTORS: readonly ValueDetector[] = [
  { name: 'bearer', pattern: /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  { name: 'api_key', pattern: /\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9]{16,}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bAKIA[0-9A-Z]{16}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { name: 'card', pattern: /\b(?:\d[ -]?){12,18}\d\b/g, accept: luhn },
];

export const REDACTION_DETECTORS = ['key', ...VALUE_DETECTORS.map((d) => d.name)] as const;

/** Entries per memo before it is cleared (keeps memory bounded whatever clients send). */
const MEMO_CAPACITY = 1000;
/** Longer strings are scanned each time (rare; memoising them would hold large text). */
const MEMO_MAX_LENGTH = 256;

export class Redactor {
  // Log and audit lines carry the same short client-supplied strings and keys call after call
  // (client name, task and request ids, argument names); scanning each with every pattern is
  // most of a line's cost, so results are memoised and their detectors replayed, keeping the
  // mcp_redactions_total counts exact.
  private readonly stringMemo = new Map<string, { out: string; detectors: readonly string[] }>();
  private readonly keyMemo = new Map<string, boolean>();

  constructor(private readonly onRedact: (detector: string) => void) {}

  /** A copy of `value` with sensitive keys and values replaced; depth-limited so cycles cannot hang it. */
  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 8) return '[TRUNCATED]';
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const v = (value as Record<string, unknown>)[k];
      if (this.isSensitiveKey(k) && v !== null && v !== undefined && v !== '') {
        this.onRedact('key');
        out[k] = '[REDACTED:key]';
      } else {
        out[k] = this.redact(v, depth + 1);
      }
    }
    return out;
  }

  /**
   * A copy with value patterns replaced in every string, keys left alone: for tool results, whose
   * fields (e.g. `tokens`, `api_key_id`) are data the client asked for, not credentials by name.
   */
  redactStrings(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (Array.isArray(value)) return value.map((v) => this.redactStrings(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactStrings(v, depth + 1)]));
  }

  redactString(s: string): string {
    if (s.length > MEMO_MAX_LENGTH) return this.scan(s, (d) => this.onRedact(d));
    let memo = this.stringMemo.get(s);
    if (memo === undefined) {
      const detectors: string[] = [];
      memo = { out: this.scan(s, (d) => detectors.push(d)), detectors };
      if (this.stringMemo.size >= MEMO_CAPACITY) this.stringMemo.clear();
      this.stringMemo.set(s, memo);
    }
    for (const d of memo.detectors) this.onRedact(d);
    return memo.out;
  }

  private isSensitiveKey(key: string): boolean {
    let sensitive = this.keyMemo.get(key);
    if (sensitive === undefined) {
      sensitive = SENSITIVE_KEY.test(key);
      if (this.keyMemo.size >= MEMO_CAPACITY) this.keyMemo.clear();
      this.keyMemo.set(key, sensitive);
    }
    return sensitive;
  }

  /** Replaces every detected secret in `s`, reporting each replacement's detector. */
  private scan(s: string, report: (detector: string) => void): string {
    let out = s;
    for (const d of VALUE_DETECTORS) {
      d.pattern.lastIndex = 0;
      if (!d.pattern.test(out)) continue;
      out = out.replace(d.pattern, (match) => {
        if (d.accept && !d.accept(match)) return match;
        report(d.name);
        return `[REDACTED:${d.name}]`;
      });
    }
    return out;
  }
}
