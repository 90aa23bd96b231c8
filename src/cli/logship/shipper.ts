// Ships the library's JSON-lines files (server log, audit trail) to VictoriaLogs: polls each file,
// reads what was appended since the last offset, and POSTs the complete lines to
// /insert/jsonline. A line is shipped once: the offset moves only after VictoriaLogs accepted
// the batch, so a backend outage delays lines and loses none (until the file is truncated).
// A separate process rather than a sink inside the server: the server never waits on, or
// buffers for, the log backend, and any server that writes the library's logs to a file works.
import { open, stat } from 'node:fs/promises';

export interface ShippedFile {
  path: string;
  /** Field holding the timestamp (log lines: timestamp; audit lines: ts). */
  timeField: string;
  /** Field(s) holding the message, first non-empty wins (log lines: message). */
  msgFields: string[];
  /** `source` field added to every row (log | audit), so queries can pick one file. */
  source: string;
}

export interface ShipperOptions {
  /** VictoriaLogs base URL, e.g. http://127.0.0.1:9428. */
  url: string;
  /** `service` field added to every row; with `source` it names the log stream. */
  service: string;
  files: ShippedFile[];
  /** Poll period. Default 1000 ms. */
  intervalMs?: number;
  /** Called once per failure streak with the reason, and again when shipping recovers. */
  report?: (line: string) => void;
}

/** At most this much of one file per POST, so a large backlog goes out in bounded requests. */
const MAX_BATCH_BYTES = 1 << 20;

export class LogShipper {
  private readonly offsets = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private failing = false;
  /** Lines accepted by VictoriaLogs since start. */
  shipped = 0;

  constructor(private readonly options: ShipperOptions) {
    if (!URL.canParse(options.url)) throw new Error(`log shipper: --url is not a URL: "${options.url}" (expected e.g. http://127.0.0.1:9428)`);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.shipOnce()).then(() => undefined);
    }, this.options.intervalMs ?? 1000);
  }

  /** Stops polling after one last pass, so lines written before stop() are shipped. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.shipOnce();
  }

  /** One pass over every file; resolves with the number of lines shipped. */
  async shipOnce(): Promise<number> {
    let lines = 0;
    for (const file of this.options.files) {
      try {
        lines += await this.shipFile(file);
        if (this.failing) this.options.report?.('log shipper: shipping again');
        this.failing = false;
      } catch (err) {
        if (!this.failing) this.options.report?.(`log shipper: ${file.path}: ${(err as Error).message} (will retry)`);
        this.failing = true;
      }
    }
    this.shipped += lines;
    return lines;
  }

  private async shipFile(file: ShippedFile): Promise<number> {
    let size: number;
    try {
      size = (await stat(file.path)).size;
    } catch {
      return 0; // not written yet
    }
    let offset = this.offsets.get(file.path) ?? 0;
    if (size < offset) offset = 0; // truncated or replaced: start over
    let shipped = 0;
    while (offset < size) {
      const chunk = await readRange(file.path, offset, Math.min(size - offset, MAX_BATCH_BYTES));
      const end = chunk.lastIndexOf(0x0a); // only complete lines; the rest waits for its newline
      if (end < 0) break;
      const body = chunk.subarray(0, end + 1);
      await this.post(file, body);
      offset += end + 1;
      this.offsets.set(file.path, offset);
      shipped += countLines(body);
    }
    return shipped;
  }

  private async post(file: ShippedFile, body: Buffer): Promise<void> {
    const url = new URL('/insert/jsonline', this.options.url);
    url.searchParams.set('_time_field', file.timeField);
    url.searchParams.set('_msg_field', file.msgFields.join(','));
    url.searchParams.set('_stream_fields', 'service,source');
    // One comma-separated value: VictoriaLogs reads only the first `extra_fields` argument.
    url.searchParams.set('extra_fields', `service=${this.options.service},source=${file.source}`);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/stream+json' }, body: new Uint8Array(body),
      signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`VictoriaLogs answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  }
}

async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function countLines(body: Buffer): number {
  let n = 0;
  for (const byte of body) if (byte === 0x0a) n++;
  return n;
}

/** How the library's files map onto VictoriaLogs fields. */
export const SERVER_LOG = (path: string): ShippedFile => ({ path, timeField: 'timestamp', msgFields: ['message'], source: 'log' });
export const AUDIT_TRAIL = (path: string): ShippedFile => ({ path, timeField: 'ts', msgFields: ['tool'], source: 'audit' });
