// Audit trail: one JSON line per tool call (its ToolCallRecord: the call's one record), chained by a MAC (HMAC-SHA-256 with a key, see
// audit-chain.ts), with optional signed checkpoints in a separate file. A restart on a damaged end
// (torn line, garbage, a record that does not verify) appends a `recovery` record naming the damaged
// bytes, the chain's algorithm and key id, and links the new segment to the last good record: the
// server always starts, and nothing already written is rewritten.
//
// Durability: by default lines are written in batches at most FLUSH_DELAY_MS after the call (a
// kill -9 loses what is queued: up to that window). With `durable`, record() returns a promise that
// settles once the line is written and fdatasync'd (group commit: one write and one sync for every
// record queued meanwhile); the transport holds the response until then, so no answered call is lost.
import { closeSync, fdatasync, openSync, write, writeSync } from 'node:fs';
import { AUDIT_FORMAT, checkpointText, keyId, macOf, type ChainKey, type CheckpointSigner, type Mac } from './audit-chain.js';
import { readTail, type TailState } from './audit-tail.js';
import { isoTime } from './iso-time.js';
import { jsonNumber, jsonString, jsonValue } from './json-text.js';
import { FlushTimer } from './flush-timer.js';
import { FLUSH_DELAY_MS } from './line-sink.js';
import type { ToolCallRecord } from './tool-call-record.js';

export interface AuditTrailOptions {
  file: string;
  key: ChainKey;
  /** Cleans client-supplied text (arguments, tool and client names) when the line is written. */
  redact: (value: unknown) => unknown;
  redactString: (text: string) => string;
  onWrite: (outcome: 'ok' | 'error') => void;
  /** Write and fdatasync each record before record()'s promise settles. */
  durable?: boolean;
  /** Signed checkpoints: where, how signed, and how often (records or seconds, whichever comes first). */
  checkpoints?: { file: string; signer: CheckpointSigner; everyRecords: number; everySeconds: number };
  /** Reports a failed write (the trail keeps going; the failure is the caller's to log). */
  onError?: (err: Error) => void;
}

type Pending = { ts: number; entry: ToolCallRecord; done?: () => void };

export class AuditTrail {
  readonly file: string;
  private readonly fd: number;
  private readonly mac: Mac;
  private prev: string;
  private seq: number;
  private queue: Pending[] = [];
  private readonly timer = new FlushTimer(FLUSH_DELAY_MS, () => this.flush());
  /** Durable mode: the batch being written and synced; the next batch waits for it. */
  private inFlight: Promise<void> | undefined;
  private readonly checkpointFd: number | undefined;
  private sinceCheckpoint = 0;
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** Set when `everyRecords` records were chained since the last checkpoint. */
  private pendingCheckpoint = false;
  private closed = false;

  constructor(private readonly options: AuditTrailOptions) {
    this.file = options.file;
    this.mac = macOf(options.key);
    const tail = readTail(options.file, options.key);
    this.seq = tail.seq;
    this.prev = tail.prev;
    this.fd = openSync(options.file, 'a');
    this.checkpointFd = options.checkpoints ? openSync(options.checkpoints.file, 'a') : undefined;
    const opening = this.opening(tail);
    if (opening) writeSync(this.fd, opening);
    if (options.checkpoints) {
      this.checkpointTimer = setInterval(() => this.checkpoint(), options.checkpoints.everySeconds * 1000);
      this.checkpointTimer.unref();
    }
  }

  /** Queues a record; with `durable`, the promise settles once it is on disk (never rejects). */
  record(entry: ToolCallRecord): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (!this.options.durable) {
      this.queue.push({ ts: Date.now(), entry });
      this.timer.arm();
      return undefined;
    }
    return new Promise((done) => {
      this.queue.push({ ts: Date.now(), entry, done });
      // One batch per turn of the event loop: records of concurrent calls share a write and a sync.
      if (this.queue.length === 1 && this.inFlight === undefined) setImmediate(() => this.commit());
    });
  }

  /** Writes queued records now (synchronously; tests). In durable mode use close(), which waits for the batch on its way. */
  flush(): void {
    const batch = this.queue;
    const text = this.take();
    if (text === '') return;
    try {
      writeSync(this.fd, text);
    } catch (err) {
      this.options.onError?.(err as Error);
    }
    for (const p of batch) p.done?.();
  }

  /** Writes what is queued (after the batch in flight, in durable mode), a last checkpoint, and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Awaited only when a durable batch is in flight: otherwise close() completes synchronously.
    while (this.inFlight) await this.inFlight;
    if (this.closed) return;
    this.timer.stop();
    this.flush();
    this.checkpoint();
    this.closed = true;
    clearInterval(this.checkpointTimer);
    closeSync(this.fd);
    if (this.checkpointFd !== undefined) closeSync(this.checkpointFd);
  }

  /** Durable mode: one write and one fdatasync for everything queued, then the waiters are released. */
  private commit(): void {
    if (this.queue.length === 0 || this.closed) return;
    const batch = this.queue;
    const text = this.take();
    this.inFlight = new Promise<void>((settled) => {
      const release = (err: Error | null) => {
        if (err) this.options.onError?.(err);
        for (const p of batch) p.done?.();
        this.inFlight = undefined;
        settled();
        if (this.pendingCheckpoint) this.checkpoint();
        if (this.queue.length > 0) this.commit();
      };
      const buf = Buffer.from(text);
      const writeFrom = (offset: number) => write(this.fd, buf, offset, buf.length - offset, null, (err, written) => {
        if (err) return release(err);
        if (offset + written < buf.length) return writeFrom(offset + written);
        fdatasync(this.fd, (syncErr) => release(syncErr));
      });
      writeFrom(0);
    });
  }

  /** Formats and chains the queued records (resolving their waiters is the caller's job). */
  private take(): string {
    if (this.queue.length === 0) return '';
    const items = this.queue;
    this.queue = [];
    let text = '';
    for (const { ts, entry } of items) text += this.line(ts, entry) + '\n';
    return text;
  }

  /** The `recovery` record after a damaged end; '' otherwise. */
  private opening(tail: TailState): string {
    const d = tail.damage;
    if (!d) return '';
    const alg = this.options.key.secret ? `"hmac-sha256","key_id":"${keyId(this.options.key.secret)}"` : '"sha256"';
    const link = d.unlinked ? ',"unlinked":true' : '';
    return (tail.needsNewline ? '\n' : '') + this.chain(`,"type":"recovery","format":"${AUDIT_FORMAT}","alg":${alg},"damaged_offset":${d.offset},"damaged_bytes":${d.bytes},"damaged_sha256":"${d.sha256}"${link}`) + '\n';
  }

  /** A chained line from the fields after seq, ts and prev (`,"k":v` text). */
  private chain(fields: string, ts = Date.now()): string {
    this.seq++;
    const body = `{"seq":${this.seq},"ts":"${isoTime(ts)}","prev":"${this.prev}"${fields}`;
    const hash = this.mac(body + '}');
    this.prev = hash;
    if (this.options.checkpoints && ++this.sinceCheckpoint >= this.options.checkpoints.everyRecords) this.pendingCheckpoint = true;
    return `${body},"hash":"${hash}"}`;
  }

  private line(ts: number, e: ToolCallRecord): string {
    const r = this.options.redactString;
    // Written field by field: the text JSON.stringify gives of the line's object, without building that object.
    // Fields after span_id came with issue 22 (the request line's facts); older lines lack them.
    let fields = '';
    if (e.session_id !== undefined) fields += `,"session_id":${jsonString(r(e.session_id))}`;
    if (e.client !== undefined) fields += `,"client":${jsonString(r(e.client))}`;
    if (e.subject !== undefined) fields += `,"subject":${jsonString(e.subject)}`;
    if (e.client_id !== undefined) fields += `,"client_id":${jsonString(e.client_id)}`;
    fields += `,"tool":${jsonString(r(e.tool))}`;
    const args = jsonValue(this.options.redact(e.arguments));
    if (args !== undefined) fields += `,"arguments":${args}`;
    fields += `,"outcome":"${e.outcome}"`;
    if (e.error_type !== undefined) fields += `,"error_type":${jsonString(e.error_type)}`;
    fields += `,"latency_ms":${jsonNumber(e.latency_ms)},"trace_id":${jsonString(e.trace_id)},"span_id":${jsonString(e.span_id)}`;
    const t = e.tokens;
    if (t !== undefined) fields += `,"input_tokens":${jsonNumber(t.input)},"output_tokens":${jsonNumber(t.output)},"cost_usd":${jsonNumber(t.costUsd)}`;
    if (e.parent_span_id !== undefined) fields += `,"parent_span_id":${jsonString(e.parent_span_id)}`;
    fields += `,"request_id":${typeof e.request_id === 'number' ? jsonNumber(e.request_id) : jsonString(r(e.request_id))}`;
    fields += `,"transport":${jsonString(e.transport)}`;
    if (e.error_code !== undefined) fields += `,"error_code":${jsonString(e.error_code)}`;
    if (e.task_id !== undefined) fields += `,"task_id":${jsonString(r(e.task_id))}`;
    const line = this.chain(fields, ts);
    this.options.onWrite(e.outcome);
    if (this.pendingCheckpoint) queueMicrotask(() => this.checkpoint());
    return line;
  }

  /** Appends a signed checkpoint for the last record written, when there is a new one. */
  private checkpoint(): void {
    const c = this.options.checkpoints;
    if (!c || this.checkpointFd === undefined || this.closed || this.sinceCheckpoint === 0) return;
    // Only records already handed to the file may be vouched for.
    if (this.queue.length > 0 || this.inFlight) return;
    this.sinceCheckpoint = 0;
    this.pendingCheckpoint = false;
    const point = { seq: this.seq, hash: this.prev, ts: isoTime(Date.now()) };
    const line = `{"seq":${point.seq},"hash":"${point.hash}","ts":"${point.ts}","alg":"${c.signer.alg}","sig":"${c.signer.sign(checkpointText(point))}"}\n`;
    try {
      writeSync(this.checkpointFd, line);
    } catch (err) {
      this.options.onError?.(err as Error);
    }
  }
}
