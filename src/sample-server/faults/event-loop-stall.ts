// Blocks the event loop for `stallMs` once per period, like a synchronous hot spot would, to
// drive the event-loop-lag signal. Atomics.wait blocks the thread without burning a CPU core.
export const STALL_PERIOD_MS = 1_000;

export class EventLoopStall {
  private timer: NodeJS.Timeout | undefined;
  private blocker = new Int32Array(new SharedArrayBuffer(4));
  stallMs = 0;

  set(stallMs: number): void {
    this.stallMs = stallMs;
    clearInterval(this.timer);
    this.timer = undefined;
    if (stallMs > 0) {
      this.timer = setInterval(() => Atomics.wait(this.blocker, 0, 0, stallMs), STALL_PERIOD_MS);
      this.timer.unref();
    }
  }
}
