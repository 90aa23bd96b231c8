// The audit trail: a keyed chain with Ed25519-signed checkpoints, against every kind of tampering
// (the table is printed), restarts on any damaged end, and the verify CLI's report.
import * as crypto from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../src/instrument/audit.js';
import { checkpointSigner, checkpointVerifier, type ChainKey } from '../../src/instrument/audit-chain.js';
import { verifyAuditText, type VerifyReport } from '../../src/instrument/audit-verify.js';
import type { ToolCallRecord } from '../../src/instrument/tool-call-record.js';

const KEY_TEXT = 'test-audit-key-0123456789abcdef';
const key: ChainKey = { secret: Buffer.from(KEY_TEXT) };
const pair = crypto.generateKeyPairSync('ed25519');
const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;

const entry = (i: number): ToolCallRecord => ({
  session_id: 's1', client: 'c', subject: undefined, client_id: undefined, tool: i % 2 ? 'add' : 'divide', tool_label: i % 2 ? 'add' : 'divide',
  arguments: { a: i, b: 2 }, outcome: i % 3 ? 'ok' : 'error', error_type: undefined, error_code: undefined,
  latency_ms: i, trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), parent_span_id: undefined, request_id: i, transport: 'stdio',
  tokens: undefined, task_id: undefined,
});

function open(file: string, withCheckpoints = true): AuditTrail {
  return new AuditTrail({ file, key, redact: (v) => v, redactString: (s) => s, onWrite: () => {},
    checkpoints: withCheckpoints ? { file: `${file}.checkpoints`, signer: checkpointSigner(privatePem, key)!, everyRecords: 4, everySeconds: 3600 } : undefined });
}

/** 12 records written by two runs (a restart continues the chain); checkpoints at records 4, 6 (close), 10 and 12 (close). */
async function freshTrail(): Promise<{ file: string; lines: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
  for (const [from, count] of [[1, 6], [7, 6]] as const) {
    const trail = open(file);
    for (let i = from; i < from + count; i++) {
      trail.record(entry(i));
      trail.flush();
      await new Promise((r) => setImmediate(r)); // lets the checkpoint of a full interval be written
    }
    await trail.close();
  }
  return { file, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

const verify = (file: string): VerifyReport => verifyAuditText(readFileSync(file, 'utf8'), { key,
  checkpoints: { text: readFileSync(`${file}.checkpoints`, 'utf8'), verifier: checkpointVerifier(publicPem, key) } });

/** An attacker without the key: rewrites records from `from` on and re-chains them with SHA-256. */
function rechain(lines: string[], from: number): string[] {
  const out = lines.slice(0, from);
  let prev = from === 0 ? '0'.repeat(64) : (JSON.parse(out.at(-1)!) as { hash: string }).hash;
  for (let i = from; i < lines.length; i++) {
    const record = JSON.parse(lines[i]!) as Record<string, unknown>;
    delete record.hash;
    record.seq = i + 1;
    record.prev = prev;
    const body = JSON.stringify(record);
    prev = crypto.createHash('sha256').update(body).digest('hex');
    out.push(`${body.slice(0, -1)},"hash":"${prev}"}`);
  }
  return out;
}

async function publicKeyFile(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'key-')), 'public.pem');
  writeFileSync(file, publicPem);
  return file;
}

const cli = (args: string[]) => execa('node', ['--conditions=@mcp-observability/source', '--import', 'tsx', 'src/cli/bin.ts', 'audit', 'verify', ...args],
  { reject: false, env: { MCP_OBSERVABILITY_AUDIT_KEY: KEY_TEXT } });

describe('audit trail', () => {
  it('verifies an intact trail written across a restart, with its checkpoints', async () => {
    const { file, lines } = await freshTrail();
    expect(lines).toHaveLength(12);
    const report = verify(file);
    expect(report).toMatchObject({ ok: true, records: 12, keyed: true, checkpoints: { total: 4, verified: 4 } });
    expect(report.lastGoodCheckpoint?.seq).toBe(12);
    const run = await cli([file, '--public-key', await publicKeyFile()]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('OK, 12 records, HMAC-SHA-256 chain intact; checkpoints: 4 verified; last good checkpoint: record 12');
  });

  const edit = (l: string) => l.replace(/"latency_ms":\d+/, '"latency_ms":999');
  const tamperings: [string, (l: string[]) => string[], number, number | undefined][] = [
    ['edit', (l) => l.map((x, i) => (i === 5 ? edit(x) : x)), 6, 4],
    ['edit, chain recomputed', (l) => rechain(l.map((x, i) => (i === 5 ? edit(x) : x)), 5), 6, 4],
    ['forged append', (l) => [...l, rechain([...l, l[2]!], 12).at(-1)!], 13, 12],
    ['insert', (l) => [...l.slice(0, 4), l[1]!, ...l.slice(4)], 5, 4],
    ['delete', (l) => [...l.slice(0, 4), ...l.slice(5)], 5, 4],
    ['delete, chain recomputed', (l) => rechain([...l.slice(0, 4), ...l.slice(5)], 4), 5, 4],
    ['reorder', (l) => [...l.slice(0, 5), l[6]!, l[5]!, ...l.slice(7)], 6, 4],
    ['delete first', (l) => l.slice(1), 1, undefined],
    ['cut tail (3 records)', (l) => l.slice(0, 9), 10, 6],
    ['cut tail (everything)', () => [], 1, undefined],
  ];
  const table: string[] = [];
  it.each(tamperings)('detects %s: first bad line and last good checkpoint named', async (kind, tamper, line, checkpointSeq) => {
    const { file, lines } = await freshTrail();
    writeFileSync(file, tamper(lines).map((l) => `${l}\n`).join(''));
    const report = verify(file);
    table.push(`| ${kind} | ${report.ok ? 'no' : 'yes'} | ${report.firstBad?.line} | ${report.lastGoodCheckpoint?.seq ?? '–'} |`);
    expect(report.ok).toBe(false);
    expect(report.firstBad?.line).toBe(line);
    expect(report.lastGoodCheckpoint?.seq).toBe(checkpointSeq);
    const run = await cli([file, '--public-key', await publicKeyFile()]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`BROKEN at line ${line}`);
  });

  it('detects a forged or edited checkpoint', async () => {
    const { file } = await freshTrail();
    const checkpoints = readFileSync(`${file}.checkpoints`, 'utf8');
    writeFileSync(`${file}.checkpoints`, checkpoints.replace(/"seq":10,"hash":"[0-9a-f]{64}"/, `"seq":10,"hash":"${'f'.repeat(64)}"`));
    const report = verify(file);
    table.push(`| checkpoint edited | ${report.ok ? 'no' : 'yes'} | checkpoint file | – |`);
    console.log(['| tampering | detected | first bad line | last good checkpoint |', '|---|---|---|---|', ...table].join('\n'));
    expect(report.firstBad?.reason).toContain('signature does not verify');
  });

  it('a trail without a key still shows accidental damage, and a wrong key is refused', async () => {
    const { file, lines } = await freshTrail();
    writeFileSync(file, lines.map((x, i) => (i === 2 ? edit(x) : x)).join('\n') + '\n');
    expect(verifyAuditText(readFileSync(file, 'utf8'), { key: { secret: Buffer.from('another-key-0123456789') } }).firstBad?.line).toBe(1);
  });
});

describe('restart on a damaged end', () => {
  const restart = async (file: string) => {
    const trail = open(file, false);
    trail.record(entry(99));
    await trail.close();
    return verifyAuditText(readFileSync(file, 'utf8'), { key });
  };
  const damages: [string, (file: string) => void, number][] = [
    ['a 300 KB record', (file) => { const t = open(file, false); t.record({ ...entry(7), arguments: { blob: 'y'.repeat(300_000) } }); t.flush(); void t.close(); }, 0],
    ['a torn last line', (file) => appendFileSync(file, '{"seq":7,"ts":"2026-'), 1],
    ['garbage lines', (file) => appendFileSync(file, 'garbage\n\u0000\u0001 more garbage\n'), 1],
    ['20 MB of garbage without a newline', (file) => appendFileSync(file, 'x'.repeat(20 * 1024 * 1024)), 1],
  ];
  it.each(damages)('starts after %s and keeps one verifiable chain', async (_kind, damage, recoveries) => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
    const first = open(file, false);
    for (let i = 1; i <= 6; i++) first.record(entry(i));
    await first.close();
    damage(file);
    const report = await restart(file);
    expect(report.recoveries).toHaveLength(recoveries);
    expect(report.firstBad).toBeUndefined();
    expect(report.records).toBe(8);
  });
});
