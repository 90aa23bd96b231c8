// wrap observes bytes after they passed the relay (in batches, off the data path), while the
// instrumentation times calls and sessions by performance.now() as it observes them. During the
// observation of a chunk performance.now() answers when that chunk passed, so a call lasts from
// its request passing the relay to its answer passing it, as it did when observation ran inline.
const now = performance.now.bind(performance);
let passedAt: number | undefined;
let installed = false;

/** Runs `observe` with performance.now() reading `time` (a time on performance.now()'s clock). */
export function asOfPassing(time: number, observe: () => void): void {
  if (!installed) {
    performance.now = () => passedAt ?? now();
    installed = true;
  }
  passedAt = time;
  try {
    observe();
  } finally {
    passedAt = undefined;
  }
}
