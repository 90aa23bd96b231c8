// Self-correction: a failed tools/call of a registered tool followed, within a window, by a
// successful call of the same tool in the same task (tools/call `_meta` task id) or, without a task,
// the same session. Each failed call so followed counts once (mcp_tool_self_corrections_total), so
// corrections over failed calls of registered tools is the share of failures agents recovered from.
import { OVERFLOW_VALUE } from '@mcp-observability/catalog';

/** Failed calls kept per (scope, tool): enough for any retry loop worth correcting. */
const MAX_FAILURES_KEPT = 32;

export class SelfCorrections {
  /** Times of the uncorrected failures per scope and tool, oldest key first (bounded LRU). */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly windowMs: number, private readonly capacity = 10_000) {}

  /** Whether any failure waits for its correction. */
  get waiting(): boolean {
    return this.failures.size > 0;
  }

  /** Notes a failed call of `tool` (a bounded label) in `scope`. */
  failed(scope: string, tool: string, now: number): void {
    if (tool === OVERFLOW_VALUE) return; // an unknown tool name: no call of "the same tool" can follow
    const key = `${scope}\u0000${tool}`;
    const times = this.failures.get(key) ?? [];
    this.failures.delete(key);
    times.push(now);
    if (times.length > MAX_FAILURES_KEPT) times.shift();
    this.failures.set(key, times);
    if (this.failures.size > this.capacity) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful call of `tool` in `scope`: how many of its failures within the window it corrects. */
  succeeded(scope: string, tool: string, now: number): number {
    const key = `${scope}\u0000${tool}`;
    const times = this.failures.get(key);
    if (times === undefined) return 0;
    this.failures.delete(key);
    return times.filter((t) => now - t <= this.windowMs).length;
  }
}
