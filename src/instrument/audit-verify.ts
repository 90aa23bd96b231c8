// Verification of an audit trail (audit.ts) and its checkpoints, streaming: memory stays bounded
// whatever the file holds. Each record's MAC, sequence number and link to the record before are
// checked; damaged bytes (a torn line, garbage) are accepted only when the recovery record right after
// them names exactly those bytes; checkpoints must carry a valid signature and match the record they
// name, and a checkpoint naming a record the file does not have shows a cut tail.
import * as crypto from 'node:crypto';
import { checkpointText, GENESIS_HASH, HASH_SUFFIX, macOf, SEQ_PREFIX, type ChainKey, type CheckpointVerifier, type Mac } from './audit-chain.js';

/** Longer lines cannot be records (arguments are cut by the redaction budget first): kept as damage, hashed, not held. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface BadRecord {
  /** 1-based line of the audit file. */
  line: number;
  seq?: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Records whose MAC, sequence and link verified, up to the first bad one. */
  records: number;
  /** Whether records were checked with the HMAC key (else plain SHA-256: accidental damage only). */
  keyed: boolean;
  firstBad?: BadRecord;
  /** Damaged byte ranges each covered by a recovery record (crash or garbage at a restart). */
  recoveries: { line: number; bytes: number }[];
  checkpoints: { total: number; verified: number; unverifiable: number };
  /** The last checkpoint whose signature verified and whose record is intact (before any bad record). */
  lastGoodCheckpoint?: { seq: number; ts: string; line: number };
}

interface CheckpointLine {
  seq: number;
  hash: string;
  ts: string;
  line: number;
  signed: boolean;
}

export interface VerifyOptions {
  key: ChainKey;
  /** The checkpoint file's text (small: one line per checkpoint interval) and how to check its signatures. */
  checkpoints?: { text: string; verifier?: CheckpointVerifier };
}

/** Verifies an audit trail fed in chunks (push) and finished with end(). */
export class AuditVerifier {
  private readonly mac: Mac;
  private readonly report: VerifyReport;
  private readonly checkpointsBySeq = new Map<number, CheckpointLine>();
  private lineNo = 0;
  private offset = 0;
  private prev = GENESIS_HASH;
  private seq = 0;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversized = false;
  private damage: { line: number; offset: number; bytes: number; sha: crypto.Hash } | undefined;

  constructor(private readonly options: VerifyOptions) {
    this.mac = macOf(options.key);
    this.report = { ok: true, records: 0, keyed: options.key.secret !== undefined, recoveries: [],
      checkpoints: { total: 0, verified: 0, unverifiable: 0 } };
    if (options.checkpoints) this.readCheckpoints(options.checkpoints.text, options.checkpoints.verifier);
  }

  push(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length && !this.report.firstBad) {
      const nl = chunk.indexOf(0x0a, from);
      const piece = chunk.subarray(from, nl < 0 ? chunk.length : nl);
      this.take(piece);
      if (nl < 0) return;
      this.endLine(true);
      from = nl + 1;
    }
  }

  end(): VerifyReport {
    if (!this.report.firstBad && (this.partBytes > 0 || this.oversized)) this.endLine(false);
    if (!this.report.firstBad && this.damage) {
      this.fail({ line: this.damage.line, reason: 'not a complete record (torn line or garbage) and no recovery record after it' });
    }
    this.checkTail();
    return this.report;
  }

  private take(piece: Buffer): void {
    if (this.oversized) {
      this.damage!.sha.update(piece);
      this.damage!.bytes += piece.length;
      return;
    }
    this.parts.push(Buffer.from(piece));
    this.partBytes += piece.length;
    if (this.partBytes > MAX_LINE_BYTES) {
      this.oversized = true;
      const d = this.startDamage();
      for (const p of this.parts) d.sha.update(p);
      d.bytes += this.partBytes;
      this.parts = [];
      this.partBytes = 0;
    }
  }

  private endLine(terminated: boolean): void {
    this.lineNo++;
    const lineStart = this.offset;
    if (this.oversized) {
      const d = this.damage!;
      if (terminated) { d.sha.update('\n'); d.bytes++; }
      this.offset = d.offset + d.bytes;
      this.oversized = false;
      return;
    }
    const raw = Buffer.concat(this.parts);
    this.parts = [];
    this.partBytes = 0;
    this.offset += raw.length + (terminated ? 1 : 0);
    const text = raw.toString('utf8');
    const suffix = terminated ? HASH_SUFFIX.exec(text) : null;
    const head = SEQ_PREFIX.exec(text);
    if (!suffix || !head) {
      const d = this.damage ?? this.startDamage(lineStart);
      d.sha.update(raw);
      if (terminated) d.sha.update('\n');
      d.bytes += raw.length + (terminated ? 1 : 0);
      return;
    }
    const seq = Number(head[1]);
    const body = text.slice(0, suffix.index) + '}';
    if (this.mac(body) !== suffix[1]) {
      return this.fail({ line: this.lineNo, seq, reason: this.report.keyed
        ? 'MAC does not verify with the key (record edited, forged or written with another key)'
        : 'content does not match its hash (record edited)' });
    }
    let record: { seq?: unknown; prev?: unknown; type?: unknown; damaged_offset?: unknown; damaged_bytes?: unknown;
      damaged_sha256?: unknown; unlinked?: unknown };
    try {
      record = JSON.parse(body) as typeof record;
    } catch {
      return this.fail({ line: this.lineNo, seq, reason: 'not valid JSON' });
    }
    if (record.type === 'recovery') {
      const d = this.damage;
      if (!d) return this.fail({ line: this.lineNo, seq, reason: 'recovery record without damaged bytes before it' });
      const sha = d.sha.digest('hex');
      if (record.damaged_offset !== d.offset || record.damaged_bytes !== d.bytes || record.damaged_sha256 !== sha) {
        return this.fail({ line: d.line, reason: `damaged bytes (${d.bytes} at offset ${d.offset}) differ from what the recovery record on line ${this.lineNo} names` });
      }
      this.report.recoveries.push({ line: d.line, bytes: d.bytes });
      this.damage = undefined;
      if (record.unlinked === true) {
        return this.fail({ line: this.lineNo, seq, reason: 'recovery record could not link to an earlier record (damage larger than the restart scan)' });
      }
    } else if (this.damage) {
      return this.fail({ line: this.damage.line, reason: 'not a complete record (torn line or garbage) and no recovery record after it' });
    }
    if (seq !== this.seq + 1) return this.fail({ line: this.lineNo, seq, reason: `sequence ${seq} where ${this.seq + 1} was expected (record inserted, deleted or moved)` });
    if (record.prev !== this.prev) return this.fail({ line: this.lineNo, seq, reason: 'link to the previous record broken (record inserted, deleted or moved before it)' });
    const checkpoint = this.checkpointsBySeq.get(seq);
    if (checkpoint && checkpoint.hash !== suffix[1]) {
      return this.fail({ line: this.lineNo, seq, reason: `differs from the signed checkpoint on line ${checkpoint.line} of the checkpoint file (records up to it were rewritten)` });
    }
    if (checkpoint?.signed) this.report.lastGoodCheckpoint = { seq, ts: checkpoint.ts, line: checkpoint.line };
    this.seq = seq;
    this.prev = suffix[1]!;
    this.report.records++;
  }

  private startDamage(offset = this.offset) {
    this.damage ??= { line: this.lineNo + (this.oversized ? 1 : 0), offset, bytes: 0, sha: crypto.createHash('sha256') };
    return this.damage;
  }

  private fail(bad: BadRecord): void {
    if (this.report.firstBad) return;
    this.report.ok = false;
    this.report.firstBad = bad;
  }

  /** A signed checkpoint beyond the last record means records were cut from the end. */
  private checkTail(): void {
    if (this.report.firstBad) return;
    let furthest: CheckpointLine | undefined;
    for (const c of this.checkpointsBySeq.values()) if (c.signed && c.seq > this.seq && (!furthest || c.seq > furthest.seq)) furthest = c;
    if (furthest) {
      this.fail({ line: this.lineNo + 1, seq: this.seq + 1,
        reason: `records ${this.seq + 1} to ${furthest.seq} are missing: the checkpoint of ${furthest.ts} (checkpoint file line ${furthest.line}) vouches for record ${furthest.seq} (tail cut)` });
    }
  }

  private readCheckpoints(text: string, verifier: CheckpointVerifier | undefined): void {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === '') continue;
      this.report.checkpoints.total++;
      let c: { seq?: unknown; hash?: unknown; ts?: unknown; alg?: unknown; sig?: unknown };
      try {
        c = JSON.parse(lines[i]!) as typeof c;
      } catch {
        this.fail({ line: 0, reason: `checkpoint file line ${i + 1} is not JSON (checkpoint file damaged or edited)` });
        continue;
      }
      if (typeof c.seq !== 'number' || typeof c.hash !== 'string' || typeof c.ts !== 'string' || typeof c.sig !== 'string') {
        this.fail({ line: 0, reason: `checkpoint file line ${i + 1} is not a checkpoint` });
        continue;
      }
      const point = { seq: c.seq, hash: c.hash, ts: c.ts, line: i + 1, signed: false };
      if (!verifier || verifier.alg !== c.alg) {
        this.report.checkpoints.unverifiable++;
      } else if (verifier.verify(checkpointText(point), c.sig)) {
        point.signed = true;
        this.report.checkpoints.verified++;
      } else {
        this.fail({ line: 0, reason: `checkpoint file line ${i + 1}: signature does not verify (checkpoint forged or edited)` });
        continue;
      }
      this.checkpointsBySeq.set(point.seq, point);
    }
  }
}

/** Verifies a whole trail given as text (tests, small files). */
export function verifyAuditText(text: string, options: VerifyOptions = { key: {} }): VerifyReport {
  const v = new AuditVerifier(options);
  v.push(Buffer.from(text));
  return v.end();
}
