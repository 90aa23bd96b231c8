// `mcp-observability audit export <audit file> [--log FILE] [--since T] [--out FILE]`: one normalised
// SIEM event per line (schemas/siem-event.schema.json) to stdout or --out.
import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { exportLines, parseSince, type ExportCounts } from '../siem/export.js';
import { UsageError } from './usage-error.js';

export const AUDIT_EXPORT_USAGE = `usage: mcp-observability audit export <audit file> [--log FILE] [--since 24h|2026-01-31T00:00:00Z] [--out FILE]
  <audit file>   the audit trail (auditFile of the instrumentation): one tool_call event per line
  --log FILE     the server's JSON log: adds its security events (auth_failure, http_rejection, tool_definition_drift)
  --since T      only events at or after T: ISO-8601 time or a duration back from now (30m, 24h, 7d)
  --out FILE     write here instead of stdout`;

export async function auditExport(argv: string[]): Promise<number> {
  const usage = (message: string) => new UsageError(message, AUDIT_EXPORT_USAGE);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { log: { type: 'string' }, since: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true, strict: true,
    });
  } catch (err) {
    throw usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(AUDIT_EXPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usage('give exactly one audit file');
  let since: Date | undefined;
  try {
    since = values.since === undefined ? undefined : parseSince(values.since);
  } catch (err) {
    throw usage((err as Error).message);
  }
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw usage(`cannot read ${path}: ${(err as Error).message}`);
    }
  };
  const inputs: [string, 'audit' | 'log'][] = [[positionals[0]!, 'audit'], ...(values.log ? [[values.log, 'log'] as [string, 'log']] : [])];
  const texts = inputs.map(([path, kind]) => [read(path), kind] as const);
  const file = values.out ? createWriteStream(values.out) : undefined;
  const write = file ? (line: string) => file.write(`${line}\n`) : (line: string) => process.stdout.write(`${line}\n`);
  const counts: ExportCounts = { exported: 0, unreadable: 0, skipped: 0 };
  for (const [text, kind] of texts) exportLines(text, kind, since, write, counts);
  if (file) {
    file.end();
    await finished(file);
  }
  console.error(`audit export: ${counts.exported} events exported, ${counts.skipped} lines skipped (other kinds or before --since), ${counts.unreadable} unreadable`);
  return 0;
}
