// Where log and audit lines go: stderr (never stdout — on stdio stdout is the protocol channel),
// a file (appended), or any writable stream. Lines are queued by the caller and written in one
// batch per event-loop turn, so serialising and writing stay off the request path.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

export type LineDestination = 'stderr' | { file: string } | { stream: Writable };

export class LineSink<T> {
  private queue: T[] = [];
  private scheduled = false;
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
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    let text = '';
    for (const item of items) text += this.format(item) + '\n';
    if (this.stream) this.stream.write(text);
    else writeSync(this.fd!, text);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined && this.fd !== 2) closeSync(this.fd);
  }
}
