// Writes artifacts deterministically and removes generated files that are no longer produced,
// so a renamed dashboard or rule group cannot linger in the committed output.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Artifact } from './artifact.js';

export interface WriteReport {
  written: string[];
  unchanged: string[];
  removed: string[];
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * @param root repository root
 * @param ownedDirs repo-relative folders wholly owned by the build (stale files there are removed)
 */
export function writeArtifacts(root: string, artifacts: readonly Artifact[], ownedDirs: readonly string[]): WriteReport {
  const report: WriteReport = { written: [], unchanged: [], removed: [] };
  const wanted = new Set(artifacts.map((a) => a.path));
  if (wanted.size !== artifacts.length) {
    const seen = new Set<string>();
    const dup = artifacts.find((a) => (seen.has(a.path) ? true : (seen.add(a.path), false)));
    throw new Error(`two artifacts claim ${dup?.path}`);
  }
  for (const a of [...artifacts].sort((x, y) => x.path.localeCompare(y.path))) {
    const full = join(root, a.path);
    if (existsSync(full) && readFileSync(full, 'utf8') === a.content) {
      report.unchanged.push(a.path);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, a.content);
    report.written.push(a.path);
  }
  for (const dir of ownedDirs) {
    for (const file of listFiles(join(root, dir))) {
      const rel = relative(root, file);
      if (!wanted.has(rel)) {
        rmSync(file);
        report.removed.push(rel);
      }
    }
  }
  return report;
}
