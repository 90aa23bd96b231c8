// `mcp-observability audit verify <file>`: checks an audit trail's MAC chain and its signed
// checkpoints, streaming; exit 1 naming the first bad record and the last good checkpoint.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditVerifier, checkpointVerifier, loadChainKey, type VerifyReport } from '@mcp-observability/instrument';
import { UsageError } from './usage-error.js';

export const AUDIT_VERIFY_USAGE = `usage: mcp-observability audit verify <audit file> [--key-file FILE] [--public-key FILE] [--checkpoints FILE]
  Checks an audit trail written by @mcp-observability/instrument (auditFile): each record's MAC, sequence
  and link, damaged bytes against their recovery record, and the signed checkpoints.
  --key-file FILE     the HMAC key the trail was written with (else MCP_OBSERVABILITY_AUDIT_KEY; without
                      either, records are checked as plain SHA-256: accidental damage only)
  --public-key FILE   Ed25519 public key (PEM) of the checkpoint signer (else checkpoints are checked with the HMAC key)
  --checkpoints FILE  the checkpoint file (default: <audit file>.checkpoints when it exists)
  Exit 0: intact; 1: tampered, cut or damaged (the first bad record and the last good checkpoint are named); 2: usage.`;

export async function auditVerify(argv: string[]): Promise<number> {
  const usage = (message: string) => new UsageError(message, AUDIT_VERIFY_USAGE);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
      'key-file': { type: 'string' }, 'public-key': { type: 'string' }, checkpoints: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false } } });
  } catch (err) {
    throw usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(AUDIT_VERIFY_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usage('give exactly one audit file');
  const file = positionals[0]!;
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw usage(`cannot read ${path}: ${(err as Error).message}`);
    }
  };
  if (!existsSync(file)) throw usage(`cannot read ${file}: no such file`);
  let key;
  try {
    key = loadChainKey(values['key-file']);
  } catch (err) {
    throw usage((err as Error).message);
  }
  const checkpointFile = values.checkpoints ?? (existsSync(`${file}.checkpoints`) ? `${file}.checkpoints` : undefined);
  const verifier = new AuditVerifier({ key, checkpoints: checkpointFile === undefined ? undefined : {
    text: read(checkpointFile), verifier: checkpointVerifier(values['public-key'] === undefined ? undefined : read(values['public-key']), key) } });
  for await (const chunk of createReadStream(file)) verifier.push(chunk as Buffer);
  const report = verifier.end();
  const chain = report.keyed ? 'HMAC-SHA-256 chain' : 'SHA-256 chain (no key: accidental damage only)';
  const checkpoints = `checkpoints: ${report.checkpoints.verified} verified${report.checkpoints.unverifiable ? `, ${report.checkpoints.unverifiable} not verifiable without their key` : ''}`;
  const lastGood = lastGoodText(report);
  for (const r of report.recoveries) console.log(`${file}: line ${r.line}: ${r.bytes} damaged bytes (torn line or garbage) covered by the recovery record after them`);
  if (report.ok) {
    console.log(`${file}: OK, ${report.records} records, ${chain} intact; ${checkpoints}; ${lastGood}`);
    return 0;
  }
  const bad = report.firstBad!;
  const where = bad.line === 0 ? 'checkpoint file' : `line ${bad.line}${bad.seq === undefined ? '' : ` (record ${bad.seq})`}`;
  console.error(`${file}: BROKEN at ${where}: ${bad.reason}; ${report.records} records verified before it; ${checkpoints}; ${lastGood}`);
  return 1;
}

function lastGoodText(report: VerifyReport): string {
  const c = report.lastGoodCheckpoint;
  return c ? `last good checkpoint: record ${c.seq} at ${c.ts} (checkpoint file line ${c.line})` : 'no good checkpoint';
}
