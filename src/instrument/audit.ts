// Tamper-evident audit trail: one JSON line per tool call, chained by SHA-256. Each line holds
// `seq`, `prev` (the previous line's hash; 64 zeros for the first) and `hash` = SHA-256 of the
// line's text without its hash field, so editing a line breaks its own hash and inserting,
// deleting or reordering lines breaks `seq`/`prev`. An attacker who can rewrite the whole tail
// can re-chain it, and truncating the last lines leaves a valid chain: ship lines off the host
// (or anchor the last hash elsewhere) when that matters.
import * as crypto from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isoTime } from './iso-time.js';
import { jsonNumber, jsonString, jsonValue } from './json-text.js';
import { LineSink } from './line-sink.js';

export const GENESIS_HASH = '0'.repeat(64);
const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/** What a caller records for one tool call; seq, ts, prev and hash are added by the trail. */
export interface AuditEntry {
  session_id?: string;
  client?: string;
  /** Authenticated subject (token `sub`) and OAuth client id, when the HTTP layer authenticated the caller. */
  subject?: string;
  client_id?: string;
  tool: string;
  arguments: unknown;
  outcome: 'ok' | 'error';
  error_type?: string;
  latency_ms: number;
  trace_id: string;
  span_id: string;
  /** LLM usage the tool reported with reportTokens(), when it did. */
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
}

// One-shot crypto.hash (Node >= 20.12) skips the Hash object createHash() builds per line.
const sha256: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Appends chained lines to a file, continuing the chain of lines already there. */
export class AuditTrail {
  private readonly sink: LineSink<{ ts: number; entry: AuditEntry }>;
  private prev: string;
  private seq: number;

  /** `redact` cleans arguments when the line is written (off the request path). */
  constructor(
    readonly file: string,
    private readonly redact: (value: unknown) => unknown,
    private readonly onWrite: (outcome: 'ok' | 'error') => void,
  ) {
    const tail = readLastLine(file);
    const last = tail ? HASH_SUFFIX.exec(tail) : null;
    if (tail && !last) throw new Error(`audit file ${file}: last line is not an audit record; verify it or start a new file`);
    this.prev = last ? last[1]! : GENESIS_HASH;
    this.seq = last ? (JSON.parse(tail!) as { seq: number }).seq : 0;
    this.sink = new LineSink({ file }, ({ ts, entry }) => this.chain(ts, entry));
  }

  record(entry: AuditEntry): void {
    this.sink.push({ ts: Date.now(), entry });
  }

  flush(): void {
    this.sink.flush();
  }

  close(): void {
    this.sink.close();
  }

  private chain(ts: number, e: AuditEntry): string {
    this.seq++;
    // Written field by field (what JSON.stringify of the record gave, without building the record).
    let body = `{"seq":${this.seq},"ts":"${isoTime(ts)}","prev":"${this.prev}"`;
    if (e.session_id !== undefined) body += `,"session_id":${jsonString(e.session_id)}`;
    if (e.client !== undefined) body += `,"client":${jsonString(e.client)}`;
    if (e.subject !== undefined) body += `,"subject":${jsonString(e.subject)}`;
    if (e.client_id !== undefined) body += `,"client_id":${jsonString(e.client_id)}`;
    body += `,"tool":${jsonString(e.tool)}`;
    const args = jsonValue(this.redact(e.arguments));
    if (args !== undefined) body += `,"arguments":${args}`;
    body += `,"outcome":"${e.outcome}"`;
    if (e.error_type !== undefined) body += `,"error_type":${jsonString(e.error_type)}`;
    body += `,"latency_ms":${jsonNumber(e.latency_ms)},"trace_id":${jsonString(e.trace_id)},"span_id":${jsonString(e.span_id)}`;
    if (e.input_tokens !== undefined) body += `,"input_tokens":${jsonNumber(e.input_tokens)}`;
    if (e.output_tokens !== undefined) body += `,"output_tokens":${jsonNumber(e.output_tokens)}`;
    if (e.cost_usd !== undefined) body += `,"cost_usd":${jsonNumber(e.cost_usd)}`;
    const hash = sha256(body + '}');
    this.prev = hash;
    this.onWrite(e.outcome);
    return `${body},"hash":"${hash}"}`;
  }
}

function readLastLine(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const size = statSync(file).size;
  if (size === 0) return undefined;
  const fd = openSync(file, 'r');
  try {
    // Audit lines are small; the last 256 KiB always hold the last complete line.
    const length = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n').filter((l) => l !== '');
    return lines.at(-1);
  } finally {
    closeSync(fd);
  }
}

export interface VerifyResult {
  ok: boolean;
  /** Records checked (all of them when ok). */
  records: number;
  /** First broken line (1-based) and why. */
  broken?: { line: number; reason: string };
}

/** Checks every line's own hash, its sequence number and its link to the line before. */
export function verifyAuditText(text: string): VerifyResult {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fail = (reason: string): VerifyResult => ({ ok: false, records: i, broken: { line: i + 1, reason } });
    const m = HASH_SUFFIX.exec(line);
    if (!m) return fail('no hash field: not an audit record');
    const body = line.slice(0, m.index) + '}';
    if (sha256(body) !== m[1]) return fail('content does not match its hash (line edited)');
    let record: { seq?: unknown; prev?: unknown };
    try {
      record = JSON.parse(body) as typeof record;
    } catch {
      return fail('not valid JSON');
    }
    if (typeof record.seq !== 'number') return fail('no sequence number');
    if (record.seq !== expectedSeq) return fail(`sequence ${record.seq} where ${expectedSeq} was expected (line inserted, deleted or moved)`);
    if (record.prev !== prev) return fail('previous-hash link broken (line inserted, deleted or moved before it)');
    prev = m[1]!;
    expectedSeq++;
  }
  return { ok: true, records: lines.length };
}
