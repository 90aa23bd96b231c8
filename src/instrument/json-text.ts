// JSON text for log and audit lines, written value by value: a line's fields are known, so
// building its text directly skips the intermediate object a JSON.stringify of the whole line
// needs (about half of a line's formatting cost). Output equals JSON.stringify's for these values.

/** Characters JSON.stringify escapes (controls, quote, backslash) plus surrogates (lone ones are escaped). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

export function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** JSON text of any value a line field may hold; undefined for what JSON.stringify leaves out (undefined, functions, symbols). */
export function jsonValue(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': return jsonString(v);
    case 'number': return jsonNumber(v);
    case 'boolean': return v ? 'true' : 'false';
    // JSON.stringify throws on a BigInt; a line must never throw (it is written from a timer).
    case 'bigint': return jsonString(String(v));
    case 'object': return JSON.stringify(v);
    default: return undefined;
  }
}
