// Summarises V8 .cpuprofile files (node --cpu-prof) by self time per function and per file, so a
// hot path can be read without DevTools. With two files, prints the second minus the first
// (e.g. instrumented minus uninstrumented), per call when --calls is given.
//
//   npx tsx scripts/cpuprofile-top.ts [--top 25] [--calls N] [baseline.cpuprofile] profile.cpuprofile
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const { values: opts, positionals: files } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, calls: { type: 'string' } },
});
if (files.length < 1 || files.length > 2) {
  console.error('usage: cpuprofile-top.ts [--top N] [--calls N] [baseline.cpuprofile] profile.cpuprofile');
  process.exit(2);
}

const shortUrl = (url: string) => {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  return nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.startsWith('/') ? relative(process.cwd(), path) : path;
};

/** Self time in microseconds per function ("name file:line") and per file. */
function selfTimes(file: string): { byFunction: Map<string, number>; byFile: Map<string, number>; total: number } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id)!.callFrame;
    const where = url ? shortUrl(url) : '(native)';
    const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}:${columnNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byFile.set(where, (byFile.get(where) ?? 0) + dt);
    total += dt;
  });
  return { byFunction, byFile, total };
}

const profiles = files.map(selfTimes);
const [before, after] = profiles.length === 2 ? profiles : [undefined, profiles[0]!];
const calls = opts.calls ? Number(opts.calls) : undefined;
const unit = calls ? 'µs/call' : 'ms';
const scale = (us: number) => (calls ? us / calls : us / 1000);

function print(title: string, key: 'byFunction' | 'byFile') {
  const rows = new Map<string, number>();
  for (const [k, v] of after![key]) rows.set(k, v);
  if (before) for (const [k, v] of before[key]) rows.set(k, (rows.get(k) ?? 0) - v);
  const top = [...rows].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, Number(opts.top));
  console.log(`\n${title} (self ${unit}${before ? ', second minus first' : ''})`);
  for (const [k, v] of top) console.log(`${scale(v).toFixed(2).padStart(10)}  ${k}`);
}

console.log(`total sampled: ${files.map((f, i) => `${f} ${(profiles[i]!.total / 1000).toFixed(0)} ms`).join(', ')}`);
print('by function', 'byFunction');
print('by file', 'byFile');
