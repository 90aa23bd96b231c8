// `mcp-observability audit verify <file>`: checks an audit trail's hash chain; exit 1 at the first broken line.
import { readFileSync } from 'node:fs';
import { verifyAuditText } from '@mcp-observability/instrument';
import { UsageError } from './usage-error.js';

export const AUDIT_VERIFY_USAGE = `usage: mcp-observability audit verify <audit file>
  Checks the hash chain of an audit trail written by @mcp-observability/instrument (auditFile).
  Exit 0: intact; 1: broken (the first bad line is named); 2: usage or unreadable file.`;

export function auditVerify(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(AUDIT_VERIFY_USAGE);
    return 0;
  }
  const [file, ...rest] = argv;
  if (!file || rest.length) throw new UsageError('give exactly one audit file', AUDIT_VERIFY_USAGE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, AUDIT_VERIFY_USAGE);
  }
  const result = verifyAuditText(text);
  if (result.ok) {
    console.log(`${file}: OK, ${result.records} records, chain intact`);
    return 0;
  }
  console.error(`${file}: BROKEN at line ${result.broken!.line}: ${result.broken!.reason} (${result.records} records verified before it)`);
  return 1;
}
