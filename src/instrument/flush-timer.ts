// The timer that writes a batch of queued lines: one Timeout per writer, re-armed with refresh()
// for every batch. A new setTimeout per batch (its Timeout, async resource and clearTimeout) cost
// about as much as formatting a request line, and at low rates every line is its own batch.

export class FlushTimer {
  private timer: NodeJS.Timeout | undefined;
  private armed = false;
  private readonly fire = (): void => {
    this.armed = false;
    this.onFire();
  };

  constructor(private readonly delayMs: number, private readonly onFire: () => void) {}

  /**
   * Fires once, delayMs from now; while armed, does nothing (a batch waits at most delayMs from its
   * first line). A flush before it fires leaves it armed: it then fires on an empty queue.
   */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    if (this.timer === undefined) this.timer = setTimeout(this.fire, this.delayMs);
    else this.timer.refresh(); // re-arms the Timeout that fired, without a new one
  }

  /** Cancels it (the writer is closing); a later arm() starts a new Timeout. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armed = false;
  }
}
