// The audit trail's hash chain: the verify command reports the first broken line for each kind
// of tampering, and a restarted trail continues the chain.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { AuditTrail, verifyAuditText, type AuditEntry } from '../../src/instrument/audit.js';

const entry = (i: number): AuditEntry => ({
  session_id: 's1', client: 'c', tool: i % 2 ? 'add' : 'divide', arguments: { a: i, b: 2 }, outcome: i % 3 ? 'ok' : 'error',
  latency_ms: i, trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16),
});

function writeTrail(file: string, from: number, count: number): void {
  const trail = new AuditTrail(file, (v) => v, () => {});
  for (let i = from; i < from + count; i++) trail.record(entry(i));
  trail.close();
}

function freshTrail(): { file: string; lines: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
  writeTrail(file, 1, 6);
  writeTrail(file, 7, 4); // a restart continues the chain
  return { file, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

const verifyCli = (file: string) => execa('node', ['--import', 'tsx', 'src/cli/bin.ts', 'audit', 'verify', file], { reject: false });

describe('audit trail', () => {
  it('verifies an intact trail written across a restart', async () => {
    const { file, lines } = freshTrail();
    expect(lines).toHaveLength(10);
    expect(verifyAuditText(readFileSync(file, 'utf8'))).toEqual({ ok: true, records: 10 });
    const cli = await verifyCli(file);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain('OK, 10 records');
  });

  const tamperings: [string, (l: string[]) => string[], number][] = [
    ['edit', (l) => l.map((x, i) => (i === 3 ? x.replace('"outcome":"ok"', '"outcome":"error"') : x)), 4],
    ['insert', (l) => [...l.slice(0, 4), l[1]!, ...l.slice(4)], 5],
    ['delete', (l) => [...l.slice(0, 4), ...l.slice(5)], 5],
    ['reorder', (l) => [...l.slice(0, 5), l[6]!, l[5]!, ...l.slice(7)], 6],
    ['delete first', (l) => l.slice(1), 1],
  ];
  it.each(tamperings)('finds %s at the right line', async (_kind, tamper, line) => {
    const { file, lines } = freshTrail();
    const changed = tamper(lines);
    expect(changed.join('\n')).not.toBe(lines.join('\n'));
    writeFileSync(file, changed.join('\n') + '\n');
    expect(verifyAuditText(readFileSync(file, 'utf8')).broken?.line).toBe(line);
    const cli = await verifyCli(file);
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr).toContain(`BROKEN at line ${line}:`);
  });
});
