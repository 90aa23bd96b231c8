// Bounded waiting: poll until a condition holds or time runs out, with a progress line.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** GET `url` with a short timeout; true on a 2xx answer. */
export async function answers(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called about every `progressEveryMs` with the elapsed time while still waiting. */
  progress?: (elapsedMs: number) => void;
  progressEveryMs?: number;
}

/** Polls `probe` until it returns a value other than undefined; undefined when time runs out. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, opts: PollOptions): Promise<T | undefined> {
  const started = Date.now();
  const interval = opts.intervalMs ?? 500;
  const every = opts.progressEveryMs ?? 5_000;
  let lastProgress = started;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const now = Date.now();
    if (now - started >= opts.timeoutMs) return undefined;
    if (opts.progress && now - lastProgress >= every) {
      lastProgress = now;
      opts.progress(now - started);
    }
    await sleep(Math.min(interval, opts.timeoutMs - (now - started)));
  }
}
