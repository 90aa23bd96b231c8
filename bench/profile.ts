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
// Self time by owner: what the instrumentation costs shows up under src/instrument and prom-client.
const GROUPS: [string, RegExp][] = [['src/instrument', /\/src\/instrument\//], ['prom-client', /node_modules\/prom-client\//],
  ['mcp sdk', /@modelcontextprotocol\//], ['zod', /node_modules\/zod\//], ['sample tools', /\/src\/sample-server\//],
  ['bench driver', /\/bench\//], ['node internals', /^node:/]];
const groups = new Map<string, number>();
for (const n of nodes) {
  const group = GROUPS.find(([, re]) => re.test(n.callFrame.url))?.[0] ?? (n.callFrame.url ? 'other js' : n.callFrame.functionName || 'native');
  groups.set(group, (groups.get(group) ?? 0) + (n.hitCount ?? 0));
}
for (const [group, hits] of [...groups].sort((a, b) => b[1] - a[1])) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${(us * hits / total).toFixed(1).padStart(6)} µs/call  ${group}`);
}
console.log('top functions by self time:');
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
