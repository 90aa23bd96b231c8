// Retains N MB on the V8 heap (not Buffers, which live outside it) so heap gauges and the
// heap-near-limit alert move; releasing drops the references and asks V8 for a full GC so the
// gauges fall back promptly instead of whenever the next major GC happens.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** 1 MiB of doubles: 131072 × 8 bytes in a V8 double array. */
const DOUBLES_PER_MB = 131_072;

function fullGc(): void {
  // Exposes gc() for this isolate without requiring --expose-gc on the command line.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export class HeapBallast {
  private chunks: number[][] = [];

  get megabytes(): number {
    return this.chunks.length;
  }

  /** Grows or shrinks the ballast to exactly `mb` megabytes. */
  resize(mb: number): void {
    while (this.chunks.length < mb) this.chunks.push(new Array<number>(DOUBLES_PER_MB).fill(this.chunks.length + 0.5));
    if (this.chunks.length > mb) {
      this.chunks.length = mb;
      fullGc();
    }
  }

  release(): void {
    this.resize(0);
  }
}
