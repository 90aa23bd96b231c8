// The observing side of a ring's doorbell (byte-ring.ts): wakes when records are published, at
// most once per COALESCE_MS, and takes every record published since, until stopped.
import { setTimeout as delay } from 'node:timers/promises';
import { OBSERVER_WAITING, PUBLISHED } from './byte-ring.js';

/** How long records gather after a wake-up: ~100 wake-ups a second at most. */
const COALESCE_MS = 8;

export interface ObserverLoop {
  /** Ends the loop once its current batch is observed (call `drain` after it for the rest). */
  stop(): Promise<void>;
}

export function startObserverLoop(bell: Int32Array, drain: () => void): ObserverLoop {
  let running = true;
  const loop = (async () => {
    while (running) {
      // Said before `seen` is read: a record published after that read is always rung for.
      Atomics.store(bell, OBSERVER_WAITING, 1);
      const seen = Atomics.load(bell, PUBLISHED);
      drain();
      const wait = Atomics.waitAsync(bell, PUBLISHED, seen);
      if (wait.async) await wait.value;
      Atomics.store(bell, OBSERVER_WAITING, 0);
      await delay(COALESCE_MS);
    }
  })();
  return {
    stop: () => {
      running = false;
      Atomics.notify(bell, PUBLISHED);
      return loop;
    },
  };
}
