// Where log and audit lines go: stderr (never stdout — on stdio stdout is the protocol channel),
// a file (appended), or any writable stream. Items are queued by the caller and formatted and
// written in one batch at most FLUSH_DELAY_MS after the first: off the request path, and one
// write() per batch rather than per request (a write is ~1-2 µs, a request's whole budget is 5).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { FlushTimer } from './flush-timer.js';

/** How long a queued line may wait for company; also the most a crash can lose. */
export const FLUSH_DELAY_MS = 10;

export type LineDestination = 'stderr' | { file: string } | { stream: Writable };

export class LineSink<T> {
  private queue: T[] = [];
  private readonly timer = new FlushTimer(FLUSH_DELAY_MS, () => this.flush());
  private readonly fd: number | undefined;
  private readonly stream: Writable | undefined;

  /** `format` turns queued items into lines at flush time (serialising, hashing). */
  constructor(destination: LineDestination, private readonly format: (item: T) => string) {
    if (destination === 'stderr') this.fd = 2;
    else if ('file' in destination) this.fd = openSync(destination.file, 'a');
    else this.stream = destination.stream;
  }

  push(item: T): void {
    this.queue.push(item);
    this.timer.arm();
  }

  flush(): void {
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    let text = '';
    for (const item of items) text += this.format(item) + '\n';
    if (this.stream) this.stream.write(text);
    else writeSync(this.fd!, text);
  }

  close(): void {
    this.timer.stop();
    this.flush();
    if (this.fd !== undefined && this.fd !== 2) closeSync(this.fd);
  }
}
