// `npm run build` wall time for every artifact of both profiles, run in a fresh copy of the
// tracked tree (generated dashboards/ and alerts/ left out, so every round writes them all).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { benchmark, fmt, fmtSpread, progress, REPO_DIR, spread, type BenchOptions, type BenchResult } from './harness.js';

export interface BuildOptions extends BenchOptions {
  rounds?: number;
}

const BUILD_BUDGET_S = 3;
/** Folders `npm run build` owns: left out of the copy so each round generates and writes them. */
const GENERATED = ['dashboards/', 'alerts/'];

async function freshTree(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-build-'));
  const { stdout } = await execa('git', ['ls-files', '-z'], { cwd: REPO_DIR });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (GENERATED.some((g) => file.startsWith(g))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(REPO_DIR, file), join(dir, file));
  }
  symlinkSync(join(REPO_DIR, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export function run(opts: BuildOptions): Promise<BenchResult> {
  const rounds = opts.rounds ?? (opts.quick ? 1 : 5);
  return benchmark('build', { rounds, command: 'npm run build', generatedLeftOut: GENERATED }, async () => {
    const seconds: number[] = [];
    let summary = '';
    for (let round = 0; round < rounds; round++) {
      const dir = await freshTree();
      try {
        const t0 = performance.now();
        const r = await execa('npm', ['run', '--silent', 'build'], { cwd: dir });
        seconds.push((performance.now() - t0) / 1000);
        summary = r.stdout.split('\n').filter((l) => l.startsWith('build:')).pop() ?? '';
        progress(`build round ${round + 1}/${rounds}: ${fmt(seconds[round]!, 2)} s — ${summary}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const s = spread(seconds);
    return {
      table: [{ command: 'npm run build (fresh tree)', 'wall s': fmtSpread(s, 2), output: summary }],
      budgets: [{ budget: `npm run build ≤ ${BUILD_BUDGET_S} s wall, all artifacts of both profiles`, figure: `${fmtSpread(s, 2)} s`,
        met: s.median <= BUILD_BUDGET_S }],
      raw: { seconds },
    };
  });
}
