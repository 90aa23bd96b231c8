// Redaction of secrets and personal data before anything reaches a log line, an audit record, a span
// or a tool result. Three rules: value detectors (detectors.ts) replace the matching part of every
// string, keys included; a value under a secret-looking key is dropped whatever it is ('key'), and a
// random-looking one under a key that may hold a credential ('high_entropy'). Every redaction is
// reported to `onRedact(kind)`.
//
// Event-loop budget: one call scans at most REDACTION_BUDGET_CHARS characters and REDACTION_BUDGET_NODES
// objects and arrays, REDACTION_MAX_DEPTH deep; what lies beyond is replaced by the marker
// [REDACTED:budget], never passed through raw. The walk is iterative (no stack overflow) and replaces
// repeated references (cycles) by a marker.
import { IP_ADDRESS_DETECTOR, looksRandom, MAYBE_SECRET_KEY, SECRET_KEY, VALUE_DETECTORS, type ValueDetector } from './detectors.js';

/**
 * Characters one call may scan. Every detector is linear; on the slowest inputs of bench/redaction.ts
 * all of them together scan well over 5 MB/s even on a loaded 2-core machine, so 256 KiB keeps one
 * redaction under the 50 ms event-loop budget (docs/security.md).
 */
export const REDACTION_BUDGET_CHARS = 256 * 1024;
/** Objects and arrays one call may copy. */
export const REDACTION_BUDGET_NODES = 20_000;
/** Deeper values are replaced by the marker: JSON.stringify of the copy (log and audit lines) must not overflow the stack. */
export const REDACTION_MAX_DEPTH = 100;

export const BUDGET_MARKER = '[REDACTED:budget]';
const CYCLE_MARKER = '[REDACTED:cycle]';

/** Every `detector` label value mcp_redactions_total can carry. */
export const REDACTION_DETECTORS = ['key', 'high_entropy', 'budget', ...VALUE_DETECTORS.map((d) => d.kind), IP_ADDRESS_DETECTOR.kind] as const;

export interface RedactorOptions {
  /** Also redact IPv4 addresses (client addresses are personal data in some jurisdictions). Default false. */
  ipAddresses?: boolean;
}

/** Entries per memo before it is cleared (keeps memory bounded whatever clients send). */
const MEMO_CAPACITY = 1000;
/** Longer strings are scanned each time (memoising them would hold large text). */
const MEMO_MAX_LENGTH = 256;

interface Budget {
  chars: number;
  nodes: number;
}

type Container = Record<string, unknown> | unknown[];
/** A value still to copy, where its copy goes, and its depth. */
type Frame = [value: unknown, into: Container, at: string | number, depth: number];

function nextMatch(re: RegExp, text: string, from: number): [number, number] | undefined {
  re.lastIndex = from;
  const m = re.exec(text);
  return m === null ? undefined : [m.index, re.lastIndex];
}

export class Redactor {
  // Log and audit lines carry the same short client-supplied strings call after call (client name,
  // ids, argument names); results are memoised and their detectors replayed, so counts stay exact.
  private readonly memo = new Map<string, { out: string; kinds: readonly string[] }>();
  private readonly detectors: readonly ValueDetector[];

  constructor(private readonly onRedact: (kind: string) => void, options: RedactorOptions = {}) {
    this.detectors = options.ipAddresses ? [...VALUE_DETECTORS, IP_ADDRESS_DETECTOR] : VALUE_DETECTORS;
  }

  /** A copy of `value` for logs and audit: detectors on every string and key, and the secret-key rules. */
  redact(value: unknown): unknown {
    return this.walk(value, true);
  }

  /**
   * A copy for tool results: detectors on every string and key, no key rules (a result's `tokens` or
   * `api_key_id` field is data the client asked for, not a credential by name).
   */
  redactStrings(value: unknown): unknown {
    return this.walk(value, false);
  }

  /** `s` with every detected secret replaced; a string beyond the budget is replaced whole. */
  redactString(s: string): string {
    return this.text(s, { chars: REDACTION_BUDGET_CHARS, nodes: 0 });
  }

  /** A string taken from a bounded name set is either kept whole or not at all: true when nothing in it is detected. */
  isClean(s: string): boolean {
    return s.length <= REDACTION_BUDGET_CHARS && this.scanMemo(s).kinds.length === 0;
  }

  private text(s: string, budget: Budget): string {
    if (s.length > budget.chars) {
      budget.chars = 0;
      this.onRedact('budget');
      return BUDGET_MARKER;
    }
    budget.chars -= s.length;
    const { out, kinds } = this.scanMemo(s);
    for (const k of kinds) this.onRedact(k);
    return out;
  }

  private scanMemo(s: string): { out: string; kinds: readonly string[] } {
    if (s.length > MEMO_MAX_LENGTH) return this.scan(s);
    let hit = this.memo.get(s);
    if (hit === undefined) {
      hit = this.scan(s);
      if (this.memo.size >= MEMO_CAPACITY) this.memo.clear();
      this.memo.set(s, hit);
    }
    return hit;
  }

  /** Runs every detector over `s` in turn (each a linear pass), replacing what each accepts. */
  private scan(s: string): { out: string; kinds: string[] } {
    const kinds: string[] = [];
    let text = s;
    for (const d of this.detectors) {
      let out = '';
      let copied = 0;
      let from = 0;
      for (;;) {
        const found = d.find ? d.find(text, from) : nextMatch(d.pattern!, text, from);
        if (found === undefined) break;
        const start = d.widen ? d.widen(text, found[0], copied) : found[0];
        const end = d.extend ? d.extend(text, found[1]) : found[1];
        if (d.accept && !d.accept(text, start, end)) {
          from = end;
          continue;
        }
        out += text.slice(copied, start) + `[REDACTED:${d.kind}]`;
        copied = from = end;
        kinds.push(d.kind);
      }
      if (copied > 0) text = out + text.slice(copied);
    }
    return { out: text, kinds };
  }

  /** Iterative copy: containers are created when first met and filled as their children are popped. */
  private walk(root: unknown, keyRules: boolean): unknown {
    const budget: Budget = { chars: REDACTION_BUDGET_CHARS, nodes: REDACTION_BUDGET_NODES };
    const top: unknown[] = [undefined];
    const seen = new Set<object>();
    const stack: Frame[] = [[root, top, 0, 0]];
    while (stack.length > 0) {
      const [value, into, at, depth] = stack.pop()!;
      (into as Record<string | number, unknown>)[at] = this.node(value, depth, budget, seen, keyRules, stack);
    }
    return top[0];
  }

  /** One value's copy; a container's children are pushed onto `stack` for the walk. */
  private node(value: unknown, depth: number, budget: Budget, seen: Set<object>, keyRules: boolean, stack: Frame[]): unknown {
    if (typeof value === 'string') return this.text(value, budget);
    if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
    if (budget.nodes <= 0 || budget.chars <= 0 || depth > REDACTION_MAX_DEPTH) {
      budget.nodes = 0;
      this.onRedact('budget');
      return BUDGET_MARKER;
    }
    budget.nodes--;
    if (seen.has(value)) return CYCLE_MARKER;
    seen.add(value);
    if (ArrayBuffer.isView(value)) return `[binary: ${value.byteLength} bytes]`;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (Array.isArray(value)) {
      const out: unknown[] = new Array(value.length);
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], out, i, depth + 1]);
      return out;
    }
    const out: Record<string, unknown> = {};
    const children: [unknown, string][] = [];
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const v = (value as Record<string, unknown>)[k];
      let key = this.text(k, budget);
      while (Object.hasOwn(out, key)) key += '~';
      if (keyRules && v !== null && v !== undefined && v !== '' && SECRET_KEY.test(k)) {
        this.onRedact('key');
        out[key] = '[REDACTED:key]';
      } else if (keyRules && typeof v === 'string' && MAYBE_SECRET_KEY.test(k) && looksRandom(v)) {
        this.onRedact('high_entropy');
        out[key] = '[REDACTED:high_entropy]';
      } else {
        out[key] = undefined; // keeps the key order; filled when the child is popped
        children.push([v, key]);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]![0], out, children[i]![1], depth + 1]);
    return out;
  }
}
