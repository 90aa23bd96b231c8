// Writes the generated rule artifacts of a config into a temp dir, for promtool to read.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { generate } from '../../src/cli/build/index.js';
import type { Config } from '../../src/cli/config/schema.js';

export const PROMTOOL = '/usr/bin/promtool';

export function writeGenerated(config: Config): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-rules-'));
  for (const a of generate(config)) {
    mkdirSync(dirname(join(dir, a.path)), { recursive: true });
    writeFileSync(join(dir, a.path), a.content);
  }
  return dir;
}

export async function promtool(args: string[], cwd?: string) {
  return execa(PROMTOOL, args, { reject: false, cwd, all: true });
}
