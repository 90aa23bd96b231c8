// Structural comparison for plans: a short list of changed JSON paths, so a reviewer can see
// what an update will do without wading through a whole dashboard.
type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(value: Json): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function collect(before: Json, after: Json, path: string, out: string[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}[${i}]`;
      if (i >= before.length) out.push(`+ ${p}: ${show(after[i])}`);
      else if (i >= after.length) out.push(`- ${p}: ${show(before[i])}`);
      else collect(before[i], after[i], p, out);
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const p = path ? `${path}.${key}` : key;
      if (!(key in after)) out.push(`- ${p}: ${show(before[key])}`);
      else if (!(key in before)) out.push(`+ ${p}: ${show(after[key])}`);
      else collect(before[key], after[key], p, out);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push(`~ ${path || '(root)'}: ${show(before)} → ${show(after)}`);
}

/** Every difference from `before` (the server) to `after` (what we publish), as "+ path", "- path", "~ path: a → b". */
export function jsonDiff(before: Json, after: Json): string[] {
  const out: string[] = [];
  collect(before, after, '', out);
  return out;
}

/** The first `limit` lines, with a count of the rest. */
export function shortDiff(lines: string[], limit = 8): string[] {
  return lines.length <= limit ? lines : [...lines.slice(0, limit), `... and ${lines.length - limit} more`];
}

/** Maps whose every key is ours (labels, annotations): compared whole, so a removed key shows. */
const WHOLE_KEYS = new Set(['labels', 'annotations']);

/**
 * `actual` cut down to the keys `expected` has (recursively), for resources whose server copies
 * carry defaults we never sent (Grafana adds intervalMs, maxDataPoints, ids, timestamps to rules).
 */
export function projectOnto(actual: Json, expected: Json): Json {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item, i) => (i < expected.length ? projectOnto(item, expected[i]) : item));
  }
  if (isObject(expected) && isObject(actual)) {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(expected)) {
      if (key in actual) out[key] = WHOLE_KEYS.has(key) ? actual[key] : projectOnto(actual[key], expected[key]);
    }
    return out;
  }
  return actual;
}
