// Writes generated files into an output folder that may also hold the user's own files. The
// manifest (OUTPUT_LAYOUT.manifest) lists every file the build wrote with its hash; the build only
// ever writes, replaces or removes a file that the manifest shows it wrote and nobody changed since.
// Every conflict is found before the first write, so a refused build changes nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OUTPUT_LAYOUT, type Artifact } from '@mcp-observability/catalog';

export interface WriteReport {
  written: string[];
  unchanged: string[];
  removed: string[];
  /** Files the build no longer generates but left in place because someone changed them. */
  kept: string[];
}

interface Manifest {
  generator: string;
  files: Record<string, string>;
}

const MANIFEST_GENERATOR = 'mcp-observability build';

/** A file in the output folder the build would have to overwrite although it did not write it. */
export class OwnershipError extends Error {
  constructor(readonly outDir: string, readonly files: readonly string[]) {
    super(`refusing to overwrite ${files.length} file(s) in ${outDir} that this build did not write (or that changed since):\n` +
      files.map((f) => `  - ${f}`).join('\n') +
      `\nMove or rename them (your own files may live anywhere else in the folder), or delete them to let the build ` +
      `regenerate them; ${OUTPUT_LAYOUT.manifest} lists what the build owns.`);
    this.name = 'OwnershipError';
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function readManifest(outDir: string): Manifest {
  const file = join(outDir, OUTPUT_LAYOUT.manifest);
  if (!existsSync(file)) return { generator: MANIFEST_GENERATOR, files: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); restore it from version control or delete it ` +
      '(the build then treats every existing file as yours and refuses to overwrite any)');
  }
  const files = (parsed as Partial<Manifest>).files;
  if (typeof files !== 'object' || files === null) throw new Error(`${file}: expected a "files" object`);
  return { generator: MANIFEST_GENERATOR, files: files as Record<string, string> };
}

const renderManifest = (files: Record<string, string>): string =>
  `${JSON.stringify({ generator: MANIFEST_GENERATOR, files }, null, 2)}\n`;

function removeEmptyParents(outDir: string, file: string): void {
  for (let dir = dirname(join(outDir, file)); dir.startsWith(outDir) && dir !== outDir; dir = dirname(dir)) {
    if (readdirSync(dir).length) return;
    rmdirSync(dir);
  }
}

export function writeArtifacts(outDir: string, artifacts: readonly Artifact[]): WriteReport {
  const report: WriteReport = { written: [], unchanged: [], removed: [], kept: [] };
  const manifest = readManifest(outDir);
  const wanted = new Map<string, Artifact>();
  for (const a of artifacts) {
    if (wanted.has(a.path)) throw new Error(`two artifacts claim ${a.path}`);
    if (a.path === OUTPUT_LAYOUT.manifest) throw new Error(`an artifact claims the manifest path ${a.path}`);
    wanted.set(a.path, a);
  }
  const current = (path: string): string | undefined => {
    const full = join(outDir, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  // Ours: listed in the manifest with the hash of what is on disk now.
  const ours = (path: string, text: string) => manifest.files[path] === sha256(text);

  const conflicts: string[] = [];
  const toWrite: Artifact[] = [];
  for (const a of [...wanted.values()].sort((x, y) => x.path.localeCompare(y.path))) {
    const text = current(a.path);
    if (text === a.content) report.unchanged.push(a.path);
    else if (text === undefined || ours(a.path, text)) toWrite.push(a);
    else conflicts.push(a.path);
  }
  if (conflicts.length) throw new OwnershipError(outDir, conflicts);

  for (const a of toWrite) {
    const full = join(outDir, a.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, a.content);
    report.written.push(a.path);
  }
  for (const path of Object.keys(manifest.files).sort()) {
    if (wanted.has(path)) continue;
    const text = current(path);
    if (text === undefined) continue;
    if (ours(path, text)) {
      rmSync(join(outDir, path));
      removeEmptyParents(outDir, path);
      report.removed.push(path);
    } else {
      report.kept.push(path);
    }
  }
  const files = Object.fromEntries([...wanted.values()].map((a) => [a.path, sha256(a.content)]).sort(([x], [y]) => x!.localeCompare(y!)));
  const manifestText = renderManifest(files);
  if (current(OUTPUT_LAYOUT.manifest) !== manifestText) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, OUTPUT_LAYOUT.manifest), manifestText);
    report.written.push(OUTPUT_LAYOUT.manifest);
  }
  return report;
}
