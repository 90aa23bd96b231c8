// Where does a /metrics scrape's CPU go? Builds the populated full instrumentation (bench/render.ts),
// renders it a number of times under the V8 profiler and writes the .cpuprofile; read it with
// scripts/cpuprofile-top.ts (per render with --calls):
//   npx tsx bench/profile-render.ts prom-client 500 openmetrics 40
//   npx tsx scripts/cpuprofile-top.ts --calls 40 bench/out/profile-render-prom-client-500-openmetrics.cpuprofile
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { OUT_DIR } from './harness.js';
import { populatedInstrumentation, PROMETHEUS_ACCEPT, scrapeHandler } from './render.js';

const [profile = 'prom-client', toolsArg = '500', format = 'text', rendersArg = '40'] = process.argv.slice(2);
if (profile !== 'prom-client' && profile !== 'otel') throw new Error(`profile must be prom-client or otel, got ${profile}`);
if (format !== 'text' && format !== 'openmetrics') throw new Error(`format must be text or openmetrics, got ${format}`);
const renders = Number(rendersArg);
const tools = Array.from({ length: Number(toolsArg) }, (_, i) => `tool_${String(i).padStart(3, '0')}`);
const { instr, close } = await populatedInstrumentation(tools, profile);
const accept = format === 'openmetrics' ? PROMETHEUS_ACCEPT : undefined;
for (let i = 0; i < 5; i++) await scrapeHandler(instr, accept); // warm-up outside the profile

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < renders; i++) bytes = (await scrapeHandler(instr, accept)).length;
const ms = (performance.now() - t0) / renders;
const { profile: cpuProfile } = await session.post('Profiler.stop');
await close();
mkdirSync(OUT_DIR, { recursive: true });
const file = join(OUT_DIR, `profile-render-${profile}-${toolsArg}-${format}.cpuprofile`);
writeFileSync(file, JSON.stringify(cpuProfile));
console.log(`${profile} ${toolsArg} tools ${format}: ${ms.toFixed(2)} ms per render (profiled), ${(bytes / 1024).toFixed(0)} KiB; ${file}`);
