// npm run audit:verify -- <file>: checks an audit trail's hash chain; exit 1 at the first broken line.
import { readFileSync } from 'node:fs';
import { verifyAuditText } from '../src/instrument/audit.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run audit:verify -- <audit file>');
  process.exit(2);
}
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (err) {
  console.error(`cannot read ${file}: ${(err as Error).message}`);
  process.exit(2);
}
const result = verifyAuditText(text);
if (result.ok) {
  console.log(`${file}: OK, ${result.records} records, chain intact`);
} else {
  console.error(`${file}: BROKEN at line ${result.broken!.line}: ${result.broken!.reason} (${result.records} records verified before it)`);
  process.exit(1);
}
