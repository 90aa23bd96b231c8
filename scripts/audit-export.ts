// Entry point: npm run audit:export -- <audit file> [--log <server log>] [--since 24h|ISO] [--out FILE]
// Writes one normalised SIEM event per line (schemas/siem-event.schema.json) to stdout or --out.
import { createWriteStream, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportLines, parseSince, type ExportCounts } from '../src/siem/export.js';

const USAGE = `Usage: npm run audit:export -- <audit file> [--log FILE] [--since 24h|2026-01-31T00:00:00Z] [--out FILE]

  <audit file>   the audit trail (--audit-file of the server): one tool_call event per line
  --log FILE     the server's JSON log: adds its security events (auth_failure, http_rejection, tool_definition_drift)
  --since T      only events at or after T: ISO-8601 time or a duration back from now (30m, 24h, 7d)
  --out FILE     write here instead of stdout
Schema: schemas/siem-event.schema.json (docs/siem.md).`;

function fail(message: string): never {
  console.error(`audit:export: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: { log: { type: 'string' }, since: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', default: false } },
    allowPositionals: true, strict: true,
  });
} catch (err) {
  fail((err as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail('give exactly one audit file');
let since: Date | undefined;
try {
  since = values.since === undefined ? undefined : parseSince(values.since);
} catch (err) {
  fail((err as Error).message);
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    fail(`cannot read ${path}: ${(err as Error).message}`);
  }
};
const inputs: [string, 'audit' | 'log'][] = [[positionals[0]!, 'audit'], ...(values.log ? [[values.log, 'log'] as [string, 'log']] : [])];
const texts = inputs.map(([path, kind]) => [read(path), kind] as const);
const out = values.out ? createWriteStream(values.out) : process.stdout;
const counts: ExportCounts = { exported: 0, unreadable: 0, skipped: 0 };
for (const [text, kind] of texts) exportLines(text, kind, since, (line) => out.write(`${line}\n`), counts);
if (out !== process.stdout) out.end();
console.error(`audit:export: ${counts.exported} events exported, ${counts.skipped} lines skipped (other kinds or before --since), ${counts.unreadable} unreadable`);
