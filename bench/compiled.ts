// The repository compiled by tsc, as users run it: benchmarks that time a process run its compiled
// JavaScript, not the sources under tsx (tsx's loader thread and its per-function helpers cost
// time of their own: 3 µs per proxied call in one CPU profile, and a thread beside the relay's).
import { execa } from 'execa';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SOURCE_CONDITION } from '../vitest.shared.js';
import { REPO_DIR } from './harness.js';

/**
 * The repository compiled by tsc into `dir`/js, next to a link to its node_modules (so the
 * compiled files resolve their packages); returns the compiled bench directory.
 */
export async function compileRepository(dir: string): Promise<string> {
  const out = join(dir, 'js');
  await execa('npx', ['tsc', '-p', '.', '--noEmit', 'false', '--outDir', out], { cwd: REPO_DIR });
  symlinkSync(join(REPO_DIR, 'node_modules'), join(dir, 'node_modules'), 'dir');
  linkCompiledWorkspaces(out);
  return join(out, 'bench');
}

/**
 * Imports of the workspaces by name (`@mcp-observability/instrument`) must load the compiled
 * copies in `out`, not the repository's sources (the source condition, which vitest passes to
 * every child in NODE_OPTIONS, names .ts files) nor its dist/ (compiled whenever setup last ran).
 * Each copy gets its package.json without that condition and a `dist` link to itself, and
 * `out`/node_modules, searched before the repository's, links each name to its copy.
 */
function linkCompiledWorkspaces(out: string): void {
  const { workspaces } = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const workspace of workspaces) {
    const manifest = JSON.parse(readFileSync(join(REPO_DIR, workspace, 'package.json'), 'utf8')) as { name: string; exports?: unknown };
    const compiled = join(out, workspace);
    writeFileSync(join(compiled, 'package.json'), JSON.stringify({ ...manifest, exports: withoutSourceCondition(manifest.exports) }));
    symlinkSync('.', join(compiled, 'dist'), 'dir');
    const link = join(out, 'node_modules', manifest.name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(compiled, link, 'dir');
  }
}

function withoutSourceCondition(exports: unknown): unknown {
  if (typeof exports !== 'object' || exports === null) return exports;
  return Object.fromEntries(Object.entries(exports).filter(([key]) => key !== SOURCE_CONDITION)
    .map(([key, value]) => [key, withoutSourceCondition(value)]));
}
