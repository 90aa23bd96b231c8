// `npm run bench` runs every benchmark; `npm run bench -- <name> [--quick] [--rounds N] [--seconds S]` runs one;
// fleet also takes `--servers 10,100,1000`, `--profiles prom-client,otel` and `--artifacts DIR` (where dashboards/ and alerts/ are read);
// throughput takes `--variants baseline,full,full-als`, `--transports http,stdio` and `--cpu-prof-dir DIR` (a V8 profile per server);
// instructions (needs valgrind) takes `--variants` and `--transports` too (in process always; without --quick, http and stdio as well).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS, isBenchmarkName } from '../bench/index.js';
import { writeResult } from '../bench/harness.js';
import { isVariant, VARIANTS } from '../bench/variants.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false }, rounds: { type: 'string' }, seconds: { type: 'string' },
    servers: { type: 'string' }, profiles: { type: 'string' }, artifacts: { type: 'string' },
    variants: { type: 'string' }, transports: { type: 'string' }, 'cpu-prof-dir': { type: 'string' },
  },
});
const names = positionals.length > 0 ? positionals : Object.keys(BENCHMARKS);
for (const name of names) {
  if (!isBenchmarkName(name)) {
    console.error(`unknown benchmark ${name}; choose from: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
}
const count = (flag: string | undefined, field: string) => {
  if (flag === undefined) return undefined;
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${field} must be a positive integer, got ${flag}`);
    process.exit(2);
  }
  return n;
};
const servers = values.servers?.split(',').map((n) => count(n, 'servers')!);
const profiles = values.profiles?.split(',').map((p) => {
  if (p !== 'prom-client' && p !== 'otel') {
    console.error(`--profiles: unknown profile ${p}; choose from prom-client, otel`);
    process.exit(2);
  }
  return p;
});
/** A comma-separated list of names from `allowed`; exits 2 naming the bad one. */
function list<T extends string>(flag: string | undefined, field: string, allowed: readonly T[], is: (v: string) => v is T): T[] | undefined {
  return flag?.split(',').map((v) => {
    if (!is(v)) {
      console.error(`--${field}: unknown ${v}; choose from ${allowed.join(', ')}`);
      process.exit(2);
    }
    return v;
  });
}
const TRANSPORTS = ['http', 'stdio'] as const;
const variants = list(values.variants, 'variants', VARIANTS, isVariant);
if (variants && !variants.includes('baseline')) {
  console.error('--variants: include baseline (ratios are measured against it)');
  process.exit(2);
}
const transports = list(values.transports, 'transports', TRANSPORTS, (v): v is (typeof TRANSPORTS)[number] => (TRANSPORTS as readonly string[]).includes(v));
const opts = {
  quick: values.quick, rounds: count(values.rounds, 'rounds'), seconds: count(values.seconds, 'seconds'),
  servers, profiles, artifactsDir: values.artifacts, variants, transports,
  cpuProfDir: values['cpu-prof-dir'] && resolve(values['cpu-prof-dir']),
};
for (const name of names) {
  if (!isBenchmarkName(name)) continue;
  const result = await BENCHMARKS[name](opts);
  console.log(writeResult(result) + '\n');
  if (name === names[0]) console.log(`versions: ${JSON.stringify(result.machine.versions)}\n`);
}
