// Where does a variant's per-call CPU go? Runs one variant in process under the V8 profiler and
// prints the functions with the most self time (the .cpuprofile is kept for Chrome DevTools):
//   npx tsx bench/profile.ts full 40000
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { OUT_DIR } from './harness.js';
import { InProcessServer } from './inprocess.js';
import { isVariant, VARIANTS } from './variants.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }

const [variant = 'full', callsArg = '40000'] = process.argv.slice(2);
if (!isVariant(variant)) throw new Error(`variant must be one of ${VARIANTS.join(', ')}, got ${variant}`);
const server = await InProcessServer.start(variant);
await server.run(5_000); // warm-up outside the profile
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const us = await server.run(Number(callsArg));
const { profile } = await session.post('Profiler.stop');
await server.instr.close();
mkdirSync(OUT_DIR, { recursive: true });
const file = join(OUT_DIR, `profile-${variant}.cpuprofile`);
writeFileSync(file, JSON.stringify(profile));

const nodes = profile.nodes as ProfileNode[];
const total = nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
const self = new Map<string, number>();
for (const n of nodes) {
  const where = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
}
console.log(`${variant}: ${us.toFixed(1)} µs CPU per call over ${callsArg} calls; profile ${file}`);
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
