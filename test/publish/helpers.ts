// Runs the publisher in-process with captured output and fast, bounded retries.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publish } from '../../src/cli/publish/run.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const TOKEN = 'glsa_fakeTokenValue_0123456789abcdef';

export interface Run {
  code: number;
  out: string;
  err: string;
  all: string;
}

export async function run(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await publish(['--root', FIXTURES, ...args], { GITHUB_SHA: '0123456789abcdef', ...env },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { attempts: 3, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 2000 });
  return { code, out: out.join('\n'), err: err.join('\n'), all: [...out, ...err].join('\n') };
}

/** A writable copy of the fixtures, for tests that change the generated files. */
export function fixtureCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'publish-fixtures-'));
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}
