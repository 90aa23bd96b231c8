// Redaction under adversarial input: for each detector, the slowest of a family of inputs built to
// make it work hardest (its own prefix repeated, near-misses, runs of its characters, the e-mail
// detector's old 'q.q.q…' case), at 64 KiB, 1 MiB and 4 MiB. Two figures per detector and size:
//  - scan: the detector alone over the whole input, no budget (its linearity: ms per MiB stays flat);
//  - the ratio to the baseline measured in the same run (all detectors over plain prose of that size).
// Then the Redactor as the server runs it (all detectors, with the budget) on every input cut to the
// budget: the longest the event loop is blocked by one redaction. Times are the best of REPEATS runs.
//   npm run bench:redaction [-- --quick]
import { loadavg } from 'node:os';
import { IP_ADDRESS_DETECTOR, VALUE_DETECTORS, type ValueDetector } from '../src/instrument/detectors.js';
import { Redactor, REDACTION_BUDGET_CHARS } from '../src/instrument/redact.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [64 * 1024] : [64 * 1024, 1024 * 1024, 4 * 1024 * 1024];
const REPEATS = quick ? 2 : 3;
const DETECTORS: readonly ValueDetector[] = [...VALUE_DETECTORS, IP_ADDRESS_DETECTOR];

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Units whose repetition stresses `d`: prefixes of its example, the example with a wrong end, and generic runs. */
function units(d: ValueDetector): string[] {
  const ex = d.example;
  const out = new Set<string>();
  for (const k of [1, 2, 3, 4, 5, 6, 8, 12, 20, 32]) if (k < ex.length) out.add(ex.slice(0, k));
  for (const u of [ex, `${ex} `, ex.slice(0, -1), `${ex.slice(0, -1)} `, `${ex.slice(0, -1)}!`]) out.add(u);
  return [...out];
}
const GENERIC = ['q.', 'a', 'a@', '@a.', 'a.a@', '1', '1 ', '1-', '4111 ', 'A', 'aA1/', '-', '-----', ':', '://', 'a:/', 'a:a@',
  '+1', '+1 ', '(', 'x=', 'token=', 'Q~', '\n', 'ab1 ', '=', 'eyJ', 'eyJ.', 'sk-', 'DE89 '];

function bestOf(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

const alone = (d: ValueDetector) => {
  const r = new Redactor(() => {}, { ipAddresses: true }) as unknown as { detectors: readonly ValueDetector[]; scan(s: string): unknown };
  r.detectors = [d];
  return (s: string) => r.scan(s);
};
const everything = new Redactor(() => {}, { ipAddresses: true }) as unknown as { scan(s: string): unknown };
const server = new Redactor(() => {}, { ipAddresses: true });

const mb = (bytes: number) => (bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`);
console.log(`# redaction bench: ${DETECTORS.length} detectors, budget ${mb(REDACTION_BUDGET_CHARS)} per call, best of ${REPEATS}, node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`);
const baseline = new Map<number, number>();
for (const size of SIZES) {
  const prose = fill('The quick brown fox jumps over the lazy dog; see https://example.com/a?b=c for 12 details. ', size);
  baseline.set(size, bestOf(() => everything.scan(prose)));
  console.log(`baseline (all detectors, prose) ${mb(size)}: ${baseline.get(size)!.toFixed(1)} ms`);
}
console.log('\n| detector | ' + SIZES.map((s) => `${mb(s)} worst (ms) | × baseline`).join(' | ') + ' | worst input |');
console.log('|---|' + SIZES.map(() => '---:|---:').join('|') + '|---|');
for (const d of DETECTORS) {
  const scan = alone(d);
  const cells: string[] = [];
  let worstUnit = '';
  for (const size of SIZES) {
    let worst = 0;
    for (const unit of [...units(d), ...GENERIC]) {
      const text = fill(unit, size);
      const ms = bestOf(() => scan(text));
      if (ms > worst) {
        worst = ms;
        worstUnit = unit;
      }
    }
    cells.push(`${worst.toFixed(1)} | ${(worst / baseline.get(size)!).toFixed(2)}`);
  }
  console.log(`| ${d.kind} | ${cells.join(' | ')} | ${JSON.stringify(worstUnit.slice(0, 12))}… |`);
}
// The server path: every input at the budget (the most one call scans), and the largest input (beyond the budget).
let worst = { ms: 0, unit: '' };
for (const unit of new Set([...DETECTORS.flatMap(units), ...GENERIC])) {
  const text = fill(unit, REDACTION_BUDGET_CHARS);
  const ms = bestOf(() => server.redactString(text));
  if (ms > worst.ms) worst = { ms, unit };
}
const largest = fill(worst.unit, SIZES.at(-1)!);
const beyond = bestOf(() => server.redactString(largest));
console.log(`\nRedactor.redactString (server path, all detectors, budget ${mb(REDACTION_BUDGET_CHARS)}), load average now ${loadavg()[0]!.toFixed(1)}:`);
console.log(`  worst input at the budget: ${JSON.stringify(worst.unit.slice(0, 12))}… ${mb(REDACTION_BUDGET_CHARS)}: ${worst.ms.toFixed(1)} ms (event-loop budget: 50 ms)`);
console.log(`  the same input at ${mb(SIZES.at(-1)!)} (beyond the budget, replaced by the marker): ${beyond.toFixed(2)} ms`);
