import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlushTimer } from '../../src/instrument/flush-timer.js';

describe('FlushTimer', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('fires once per batch, delayMs after the batch was armed, and again for every later batch', () => {
    const fired: number[] = [];
    const timer = new FlushTimer(10, () => fired.push(Date.now()));
    const start = Date.now();
    timer.arm();
    vi.advanceTimersByTime(4);
    timer.arm(); // a later line of the same batch does not postpone it
    vi.advanceTimersByTime(6);
    expect(fired).toEqual([start + 10]);
    vi.advanceTimersByTime(50);
    expect(fired).toHaveLength(1);
    for (let batch = 1; batch <= 3; batch++) {
      timer.arm(); // re-armed after it fired: the same Timeout, refreshed
      vi.advanceTimersByTime(10);
    }
    expect(fired).toEqual([start + 10, start + 70, start + 80, start + 90]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never fires after stop(), and a later arm() starts a new timer', () => {
    const onFire = vi.fn();
    const timer = new FlushTimer(10, onFire);
    timer.arm();
    timer.stop();
    vi.advanceTimersByTime(100);
    expect(onFire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    timer.arm();
    vi.advanceTimersByTime(10);
    expect(onFire).toHaveBeenCalledTimes(1);
  });

  it('re-arms the Timeout that fired, on Node\'s own timers', async () => {
    vi.useRealTimers();
    let fired = 0;
    let settle = () => {};
    const timer = new FlushTimer(1, () => { fired++; settle(); });
    for (let batch = 0; batch < 3; batch++) await new Promise<void>((resolve) => { settle = resolve; timer.arm(); });
    expect(fired).toBe(3);
    timer.stop();
  });
});
