// Blocks the event loop for `stallMs`, then lets it run for FREE_RUN_MS, again and again, like a
// synchronous hot spot would, to drive the event-loop-lag signal. Event-loop delay monitors
// sample every ~10 ms and a stall yields one late sample, so the free run is kept short enough
// for stalls to stay above 1 % of samples (visible in a p99). Atomics.wait blocks the thread
// without burning a CPU core.
export const FREE_RUN_MS = 200;

export class EventLoopStall {
  private timer: NodeJS.Timeout | undefined;
  private blocker = new Int32Array(new SharedArrayBuffer(4));
  stallMs = 0;

  set(stallMs: number): void {
    this.stallMs = stallMs;
    clearInterval(this.timer);
    this.timer = undefined;
    if (stallMs > 0) {
      this.timer = setInterval(() => Atomics.wait(this.blocker, 0, 0, stallMs), stallMs + FREE_RUN_MS);
      this.timer.unref();
    }
  }
}
