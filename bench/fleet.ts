// Fleet scale: a synthetic TSDB per fleet size (N servers × 20 tools, every catalogue family of
// the profile, 30 s scrapes over 65 minutes) loaded into a local Prometheus, with the recording
// rules' series materialised over the same history by promtool; every dashboard panel query
// (query_range over the dashboards' default last hour), every template variable and every rule
// expression (instant query) is timed. Prometheus runs on 127.0.0.1 and is stopped by PID.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import * as yaml from 'js-yaml';
import { getProfile, OTEL_OPERATION_FAMILY, OVERFLOW_VALUE, PROBE_SERIES, PROFILE_NAMES, seriesNames, type ProfileName } from '../src/catalog/index.js';
import { parsePromQL, substituteGrafanaVariables } from '../src/cli/promql/parse.js';
import { targetsOf, type PanelJson } from '../src/cli/dashboards/walk.js';
import { benchmark, BENCH_DIR, fmt, OUT_DIR, progress, REPO_DIR, spread, type BenchOptions, type BenchResult, type Row } from './harness.js';
import { writeFleetOpenMetrics, type FleetShape } from './fleet-data.js';
import { selectedLabelValues, throughRecordingRules } from './fleet-selected.js';
import { readPeers } from '../src/stack-runtime/peers-manifest.js';
import { retried } from './in-parallel.js';

export interface FleetOptions extends BenchOptions {
  /** Fleet sizes (servers); default 10, 100, 1000. */
  servers?: readonly number[];
  profiles?: readonly ProfileName[];
  /** Where dashboards/ and alerts/ are read from (default: this repository). */
  artifactsDir?: string;
}

const TOOLS = 20;
const INTERVAL_S = 30;
/** Dashboards default to the last hour; 5 more minutes feed the first rate windows. */
const RANGE_S = 3600;
const HISTORY_S = RANGE_S + 300;
const PANEL_BUDGET_MS = 1000;
/** Each query runs this many times; the median is reported (the first run is cold). */
const REPEATS = 3;
/** A query slower than this once is not repeated: it has missed the budget either way. */
const NO_REPEAT_MS = 2 * PANEL_BUDGET_MS;
/** Prometheus gives up on a query after this (reported as an error). */
const QUERY_TIMEOUT = '30s';

interface Query {
  source: string;
  /** Dashboard/panel title, rule name or variable name. */
  name: string;
  kind: 'panel' | 'variable' | 'record' | 'alert';
  expr: string;
  /** Recorded series (level:metric:operation) the expression reads. */
  recorded: string[];
  /**
   * A target Grafana runs for its exemplars only (`… @ 0 < 0`): no series by design, and backfilled
   * blocks hold no exemplars, so it is timed but not counted as an empty panel.
   */
  exemplarOnly?: boolean;
}

interface Timing extends Query {
  ms: number[];
  series: number;
  samples: number;
  error?: string;
}

// ---------------------------------------------------------------- queries from the artifacts


interface Variable { name: string; type: string; query?: string | { query?: string } }

const recordedIn = (expr: string) => parsePromQL(expr).metrics.filter((m) => m.includes(':'));

function dashboardQueries(dir: string): Query[] {
  if (!existsSync(dir)) return [];
  const out: Query[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const d = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { title: string; panels: PanelJson[]; templating?: { list: Variable[] } };
    for (const v of d.templating?.list ?? []) {
      const q = typeof v.query === 'string' ? v.query : v.query?.query;
      const m = v.type === 'query' && q ? /^label_values\((.+),\s*(\w+)\)$/.exec(q) : null;
      if (m) out.push({ source: d.title, name: `$${v.name}`, kind: 'variable', expr: `${m[2]}|${substituteGrafanaVariables(m[1]!)}`, recorded: [] });
    }
    for (const { panel: p, target: t, index: i } of targetsOf(d)) {
      const expr = substituteGrafanaVariables(t.expr!);
      // The fleet is MCP servers; the prober's series (its own job, one per probe target) are not in it.
      if (parsePromQL(expr).metrics.some((m) => PROBE_SERIES.has(m))) continue;
      const name = (p.targets!.length > 1 ? `${p.title} #${i + 1}` : p.title) ?? '(untitled)';
      out.push({ source: d.title, name, kind: 'panel', expr, recorded: recordedIn(expr), ...(t.exemplar ? { exemplarOnly: true } : {}) });
    }
  }
  return out;
}

interface RuleFile { groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[] }

function ruleQueries(dir: string): Query[] {
  if (!existsSync(dir)) return [];
  const out: Query[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rules.yaml')).sort()) {
    const doc = yaml.load(readFileSync(join(dir, file), 'utf8')) as RuleFile;
    for (const g of doc.groups) {
      for (const r of g.rules) {
        out.push({ source: file, name: r.record ?? r.alert!, kind: r.record ? 'record' : 'alert', expr: r.expr, recorded: recordedIn(r.expr) });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- TSDB build (cached)

/**
 * Prometheus 3's promtool from `npm run peers` when installed (it backfills faster), else Debian's.
 * Its blocks are read by the Debian Prometheus 2.42 that serves the queries (same block format).
 */
function promtoolBin(): string {
  return readPeers().promtool.bin ?? 'promtool';
}

/**
 * Same generator, same families of the profile, same selected values → same data: reuse the TSDB.
 * Keyed on what the generator reads from the catalogue, not its sources, so an unrelated catalogue
 * edit (an event or audit field) does not cost a 40-minute rebuild.
 */
function generatorHash(profile: ProfileName, written: Pick<FleetShape, 'selected' | 'alerts'>): string {
  const families = getProfile(profile).families;
  return createHash('sha256')
    .update(JSON.stringify({ written: canonical(written), families, series: families.map(seriesNames), OTEL_OPERATION_FAMILY, OVERFLOW_VALUE }))
    .update(readFileSync(join(BENCH_DIR, 'fleet-data.ts')))
    .digest('hex').slice(0, 12);
}

/**
 * Keys and lists sorted: the same label values and alerts, selected by queries listed in another
 * order (a panel moved), make an equivalent fleet (values are seeded per server and family).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical).sort((a, b) => compare(JSON.stringify(a), JSON.stringify(b)));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => compare(a, b)).map(([k, v]) => [k, canonical(v)]));
}
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Prometheus's default block length; the history is placed inside one block so promtool reads the file once. */
const BLOCK_S = 7200;

/** What the fleet must contain for the queries: every label value they select, and the alerts their ALERTS panels list. */
function writtenFor(profile: ProfileName, queries: readonly Query[]): Pick<FleetShape, 'selected' | 'alerts'> {
  return {
    selected: throughRecordingRules(
      selectedLabelValues(queries.map((q) => (q.kind === 'variable' ? q.expr.slice(q.expr.indexOf('|') + 1) : q.expr))),
      queries.filter((q) => q.kind === 'record').map((q) => ({ record: q.name, expr: q.expr })),
      getProfile(profile).families.flatMap(seriesNames)),
    alerts: queries.filter((q) => q.kind === 'alert').map((q) => q.name),
  };
}

async function ensureTsdb(profile: ProfileName, servers: number, tools: number, written: Pick<FleetShape, 'selected' | 'alerts'>):
Promise<{ dir: string; shape: FleetShape; series: number }> {
  const dir = join(OUT_DIR, 'fleet', `${profile}-${servers}x${tools}`);
  const manifestPath = join(dir, 'manifest.json');
  const hash = generatorHash(profile, written);
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { hash: string; shape: FleetShape; series: number };
    if (m.hash === hash) return { dir, shape: m.shape, series: m.series };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The last completed 2 h block window, ending a minute before its boundary.
  const end = Math.floor(Date.now() / 1000 / BLOCK_S) * BLOCK_S - 60;
  const shape: FleetShape = { profile, servers, tools, start: end - HISTORY_S, end, intervalSeconds: INTERVAL_S, ...written };
  const text = join(OUT_DIR, 'fleet', `${profile}-${servers}x${tools}.om`);
  let t0 = performance.now();
  const series = await writeFleetOpenMetrics(createWriteStream(text), shape);
  const samples = series * (Math.floor(HISTORY_S / INTERVAL_S) + 1);
  progress(`fleet: ${profile} × ${servers} servers: ${fmt(series)} series, ${fmt(samples)} samples written as OpenMetrics in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  t0 = performance.now();
  const promtool = promtoolBin();
  try {
    await execa(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', text, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(text, { force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  progress(`fleet: ${promtool} backfilled it in ${fmt(seconds, 1)} s (${fmt(samples / seconds)} samples/s)`);
  writeFileSync(manifestPath, JSON.stringify({ hash, shape, series, promtool, backfillSeconds: seconds }, null, 2));
  return { dir, shape, series };
}

// ---------------------------------------------------------------- recorded series (cached)

interface RecordingGroup { name: string; interval?: string; rules: { record: string; expr: string }[] }

/**
 * The profile's recording rules split by dependency level: level 0 reads only raw series, level n
 * reads series recorded at level n-1 or below. promtool backfills a rule from a Prometheus that
 * must already hold what the rule reads, so each level is backfilled once the previous is loaded.
 */
function recordingLevels(dir: string): RecordingGroup[][] {
  const groups: RecordingGroup[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rules.yaml')).sort()) {
    for (const g of (yaml.load(readFileSync(join(dir, file), 'utf8')) as RuleFile & { groups: { interval?: string }[] }).groups) {
      const rules = g.rules.filter((r): r is { record: string; expr: string } => r.record !== undefined);
      if (rules.length) groups.push({ name: g.name, ...(g.interval ? { interval: g.interval } : {}), rules });
    }
  }
  const recorded = new Set(groups.flatMap((g) => g.rules.map((r) => r.record)));
  const level = new Map<string, number>();
  const levelOf = (record: string, expr: string, seen: Set<string>): number => {
    const known = level.get(record);
    if (known !== undefined) return known;
    if (seen.has(record)) throw new Error(`recording rules read each other in a cycle through ${record}`);
    seen.add(record);
    const inputs = recordedIn(expr).filter((m) => recorded.has(m) && m !== record);
    const l = Math.max(-1, ...inputs.map((m) => {
      const rule = groups.flatMap((g) => g.rules).find((r) => r.record === m)!;
      return levelOf(rule.record, rule.expr, seen);
    })) + 1;
    level.set(record, l);
    return l;
  };
  for (const g of groups) for (const r of g.rules) levelOf(r.record, r.expr, new Set());
  const levels: RecordingGroup[][] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      const l = level.get(r.record)!;
      const at = (levels[l] ??= []);
      let group = at.find((x) => x.name === g.name);
      if (!group) at.push(group = { name: g.name, ...(g.interval ? { interval: g.interval } : {}), rules: [] });
      group.rules.push(r);
    }
  }
  return levels;
}

/** Finished block directories (ULID, with meta.json; not a `.tmp-for-creation` one) of a TSDB directory. */
const blocksIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => !f.includes('.') && existsSync(join(dir, f, 'meta.json')));

/**
 * A fresh TSDB directory `<first source>.serve` holding hard links to the blocks of `sources`:
 * Prometheus may compact and write its WAL there without touching the caches.
 */
async function servingDir(...sources: string[]): Promise<string> {
  const dir = `${sources[0]!}.serve`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const from of sources) {
    for (const block of blocksIn(from)) await execa('cp', ['-al', join(from, block), join(dir, block)]);
  }
  return dir;
}

/** Whether any two blocks of a TSDB directory cover overlapping time. */
function overlapping(dir: string): boolean {
  const ranges = blocksIn(dir).map((b) => JSON.parse(readFileSync(join(dir, b, 'meta.json'), 'utf8')) as { minTime: number; maxTime: number })
    .sort((a, b) => a.minTime - b.minTime);
  return ranges.some((r, i) => i > 0 && r.minTime < ranges[i - 1]!.maxTime);
}

/** Recorded blocks overlap the raw ones; Prometheus merges overlapping blocks within minutes of start-up (vertical compaction). */
const MERGE_TIMEOUT_MS = 45 * 60_000;

/**
 * Materialises every recording rule's series over the fleet's history with
 * `promtool tsdb create-blocks-from rules` (one query_range per rule against a Prometheus serving
 * the raw blocks and the levels before), level by level; then lets Prometheus merge the raw and
 * recorded blocks into one, so the timed runs do not pay for that compaction (`merge`; without it
 * Prometheus merges overlapping blocks at query time: right, but not what timings should include).
 * Cached next to the raw TSDB (which stays untouched), keyed by the raw data and the rules.
 */
async function ensureRecorded(label: string, raw: { dir: string; shape: FleetShape }, rulesDir: string, merge: boolean):
Promise<{ dir: string; seconds: number; cached: boolean }> {
  const dir = `${raw.dir}.recorded`;
  const levels = recordingLevels(rulesDir);
  const key = createHash('sha256').update(readFileSync(join(raw.dir, 'manifest.json'))).update(JSON.stringify(levels))
    .update(String(INTERVAL_S)).update(merge ? 'merged' : 'overlapping').digest('hex').slice(0, 12);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { key: string; seconds: number };
    if (m.key === key) return { dir, seconds: m.seconds, cached: true };
  }
  rmSync(dir, { recursive: true, force: true });
  const work = `${dir}.work`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const promtool = promtoolBin();
  const t0 = performance.now();
  for (const [i, groups] of levels.entries()) {
    const rules = groups.reduce((n, g) => n + g.rules.length, 0);
    const levelT0 = performance.now();
    const file = join(work, `level-${i}.rules.yaml`);
    writeFileSync(file, yaml.dump({ groups }, { lineWidth: -1 }));
    const out = join(work, `level-${i}.blocks`);
    // A query Prometheus refuses under load (503) fails promtool's whole import: the level runs again once, from scratch.
    await retried(2, async () => {
      rmSync(out, { recursive: true, force: true });
      const prom = await startPrometheus(await servingDir(raw.dir, work), BACKFILL_MAX_SAMPLES);
      try {
        await execa(promtool, ['tsdb', 'create-blocks-from', 'rules', '--quiet', `--url=${prom.url}`, `--start=${raw.shape.start}`,
          `--end=${raw.shape.end}`, `--eval-interval=${INTERVAL_S}s`, `--output-dir=${out}`, file], { stdio: ['ignore', 'ignore', 'pipe'] }); // its log is one line per rule; a failure shows it
      } finally {
        await prom.stop();
      }
    }, (error) => progress(`fleet: ${label}: recorded level ${i} failed (${error.message.trim().split('\n').at(-2) ?? error.message}); running it again`));
    for (const block of blocksIn(out)) renameSync(join(out, block), join(work, block));
    rmSync(out, { recursive: true, force: true });
    progress(`fleet: ${label}: recorded level ${i} (${rules} rules) backfilled in ${fmt((performance.now() - levelT0) / 1000, 1)} s`);
  }
  const mergeT0 = performance.now();
  const serve = await servingDir(raw.dir, work);
  const prom = merge ? await startPrometheus(serve) : undefined;
  try {
    while (merge && overlapping(serve)) {
      if (performance.now() - mergeT0 > MERGE_TIMEOUT_MS) throw new Error(`${label}: Prometheus did not merge the raw and recorded blocks in ${MERGE_TIMEOUT_MS / 60_000} min`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    mkdirSync(dir, { recursive: true });
    for (const block of blocksIn(serve)) await execa('cp', ['-al', join(serve, block), join(dir, block)]);
  } finally {
    await prom?.stop();
  }
  rmSync(work, { recursive: true, force: true });
  rmSync(serve, { recursive: true, force: true });
  if (merge) progress(`fleet: ${label}: raw and recorded blocks merged by Prometheus in ${fmt((performance.now() - mergeT0) / 1000, 1)} s`);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(manifestPath, JSON.stringify({ key, seconds, promtool, levels: levels.map((l) => l.flatMap((g) => g.rules.map((r) => r.record))) }, null, 2));
  return { dir, seconds, cached: false };
}

// ---------------------------------------------------------------- Prometheus

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Backfilling evaluates each rule as one query_range over the whole history, which loads every
 * step's samples at once: a bucket-rate rule over 1,000 servers' raw histograms (1.4 M series)
 * needs ~190 M, while Prometheus evaluating the same rule every interval loads ~14 M. The
 * materialising Prometheus gets room for that; the timed one keeps the default limit (50 M).
 */
const BACKFILL_MAX_SAMPLES = 500_000_000;

async function startPrometheus(tsdbDir: string, maxSamples?: number) {
  const port = await freePort();
  const config = join(tsdbDir, 'prometheus.yml');
  // The external label is what a Thanos sidecar requires (it names the source); local queries ignore it.
  writeFileSync(config, 'global:\n  scrape_interval: 30s\n  external_labels: {cluster: fleet}\nscrape_configs: []\n');
  const child = execa('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${tsdbDir}`,
    `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=3650d', '--log.level=warn',
    // promtool backfills a rule with one query_range over the whole history: the otel normalisation
    // over 1,000 servers ran past the default 2 minutes (promtool: "server error: 503"). Timed
    // queries carry their own QUERY_TIMEOUT.
    '--query.timeout=30m',
    ...(maxSamples ? [`--query.max-samples=${maxSamples}`] : [])], { reject: false, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}) on ${tsdbDir}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('prometheus not ready after 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    tsdbDir,
    /** Stops Prometheus and removes its serving directory (hard links and whatever it compacted). */
    async stop() {
      child.kill('SIGTERM');
      await child;
      rmSync(tsdbDir, { recursive: true, force: true });
    },
  };
}

async function untilReady(url: string, what: string, exited: () => boolean, ready: (res: Response) => Promise<boolean> = async (r) => r.ok) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited()) throw new Error(`${what} exited before ${url} was ready`);
    try {
      if (await ready(await fetch(url))) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${what} not ready after 120 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A Thanos sidecar next to the timed Prometheus and a querier in front of it: the same queries
 * through the StoreAPI hop and the querier's engine, as dashboards over Thanos run them.
 */
async function startThanosQuerier(thanos: string, prometheus: { url: string; tsdbDir: string }) {
  const [sidecarGrpc, sidecarHttp, queryHttp, queryGrpc] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const opts = { reject: false, stdio: 'ignore' } as const;
  const sidecar = execa(thanos, ['sidecar', `--tsdb.path=${prometheus.tsdbDir}`, `--prometheus.url=${prometheus.url}`,
    `--grpc-address=127.0.0.1:${sidecarGrpc}`, `--http-address=127.0.0.1:${sidecarHttp}`, '--log.level=warn'], opts);
  const querier = execa(thanos, ['query', `--http-address=127.0.0.1:${queryHttp}`, `--grpc-address=127.0.0.1:${queryGrpc}`,
    `--endpoint=127.0.0.1:${sidecarGrpc}`, '--query.replica-label=replica', `--query.timeout=${QUERY_TIMEOUT}`, '--log.level=warn'], opts);
  const url = `http://127.0.0.1:${queryHttp}`;
  const stop = async () => {
    for (const child of [querier, sidecar]) child.kill('SIGTERM');
    await Promise.all([querier, sidecar]);
  };
  try {
    // Ready once the querier lists the sidecar's store with the data's time range.
    await untilReady(`${url}/api/v1/stores`, 'thanos query', () => querier.exitCode !== null || sidecar.exitCode !== null,
      async (res) => JSON.stringify(await res.json()).includes(`127.0.0.1:${sidecarGrpc}`));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

interface ApiResult { status: string; error?: string; data?: { result?: unknown[]; stats?: { samples?: { totalQueryableSamples?: number } } } | string[] }

async function timeQuery(url: string, q: Query, shape: FleetShape): Promise<Timing> {
  let path: string;
  if (q.kind === 'variable') {
    const [label, match] = q.expr.split('|') as [string, string];
    path = `/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': match, start: String(shape.end - RANGE_S), end: String(shape.end) })}`;
  } else if (q.kind === 'panel') {
    path = `/api/v1/query_range?${new URLSearchParams({ query: q.expr, start: String(shape.end - RANGE_S), end: String(shape.end),
      step: String(INTERVAL_S), stats: 'all', timeout: QUERY_TIMEOUT })}`;
  } else {
    path = `/api/v1/query?${new URLSearchParams({ query: q.expr, time: String(shape.end), stats: 'all', timeout: QUERY_TIMEOUT })}`;
  }
  const ms: number[] = [];
  let body: ApiResult = { status: 'error' };
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const res = await fetch(url + path);
    body = (await res.json()) as ApiResult;
    ms.push(performance.now() - t0);
    if (body.status !== 'success' || ms[0]! > NO_REPEAT_MS) break;
  }
  const data = body.data;
  const series = Array.isArray(data) ? data.length : data?.result?.length ?? 0;
  const samples = Array.isArray(data) ? 0 : data?.stats?.samples?.totalQueryableSamples ?? 0;
  return { ...q, ms, series, samples, error: body.status === 'success' ? undefined : body.error };
}

// ---------------------------------------------------------------- the benchmark

export function run(opts: FleetOptions): Promise<BenchResult> {
  const sizes = opts.servers ?? (opts.quick ? [2] : [10, 100, 1000]);
  const profiles = opts.profiles ?? PROFILE_NAMES;
  const tools = opts.quick ? 3 : TOOLS;
  const artifacts = opts.artifactsDir ?? REPO_DIR;
  const params: Record<string, unknown> = { sizes, tools, profiles, scrapeIntervalSeconds: INTERVAL_S, panelRangeSeconds: RANGE_S, panelStepSeconds: INTERVAL_S,
    repeats: REPEATS, noRepeatAboveMs: NO_REPEAT_MS, queryTimeout: QUERY_TIMEOUT, artifacts, variablesSubstitutedAs: 'All (.+), $__rate_interval = 5m' };
  return benchmark('fleet', params, async () => {
    params.prometheus = (await execa('prometheus', ['--version'])).stdout.split('\n')[0]!;
    // Through a Thanos querier too when `npm run peers` built Thanos; --quick (the smoke test of
    // `npm test`, which needs no peer) times Prometheus only.
    const thanos = opts.quick ? undefined : readPeers().thanos.bin;
    params.thanos = thanos ? (await execa(thanos, ['--version'])).stdout.split('\n')[0]! : opts.quick ? 'skipped (--quick)' : 'not installed (npm run peers): Prometheus only';
    const table: Row[] = [];
    const budgets: BenchResult['budgets'] = [];
    const raw: Record<string, unknown> = {};
    for (const profile of profiles) {
      const queries = [...dashboardQueries(join(artifacts, 'dashboards', profile)), ...ruleQueries(join(artifacts, 'alerts', profile))];
      if (queries.length === 0) throw new Error(`no dashboards or rules for ${profile} under ${artifacts}; run npm run build`);
      for (const servers of sizes) {
        const { dir, shape, series } = await ensureTsdb(profile, servers, tools, writtenFor(profile, queries));
        // --quick (the smoke test) skips the merge: its timings mean nothing, and it would wait for Prometheus's compaction tick.
        const recorded = await ensureRecorded(`${profile} × ${servers}`, { dir, shape }, join(artifacts, 'alerts', profile), !opts.quick);
        progress(`fleet: ${profile} × ${servers}: recorded series ${recorded.cached ? 'cached' : 'materialised'} (${fmt(recorded.seconds, 1)} s)`);
        const prom = await startPrometheus(await servingDir(recorded.dir));
        const byPath: { via: 'prometheus' | 'thanos'; timings: Timing[] }[] = [];
        try {
          const querier = thanos ? await startThanosQuerier(thanos, prom) : undefined;
          try {
            const paths: ['prometheus' | 'thanos', string][] = [['prometheus', prom.url], ...(querier ? [['thanos', querier.url] as ['thanos', string]] : [])];
            for (const [via, url] of paths) {
              progress(`fleet: ${profile} × ${servers}: timing ${queries.length} queries through ${via}`);
              const timings: Timing[] = [];
              for (const q of queries) {
                const t = await timeQuery(url, q, shape);
                timings.push(t);
                if (t.error || t.ms[0]! > NO_REPEAT_MS) progress(`fleet: ${profile} × ${servers} via ${via}: ${t.kind} ${t.source}: ${t.name}: ${t.error ?? `${fmt(t.ms[0]!)} ms`}`);
              }
              byPath.push({ via, timings });
            }
          } finally {
            await querier?.stop();
          }
        } finally {
          await prom.stop();
        }
        for (const { via, timings } of byPath) {
          raw[`${profile}/${servers}${via === 'thanos' ? '/thanos' : ''}`] = { series, recordedSeconds: recorded.seconds, recordedCached: recorded.cached, timings };
          const isEmpty = (t: Timing) => !t.error && t.series === 0 && !t.exemplarOnly;
          const empty = timings.filter((t) => t.kind === 'panel' && isEmpty(t));
          if (empty.length) progress(`fleet: ${profile} × ${servers}: empty panels: ${empty.map((t) => `${t.source}: ${t.name}`).join('; ')}`);
          const median = (t: Timing) => spread(t.ms).median;
          for (const kind of ['panel', 'variable', 'record', 'alert'] as const) {
            const ts = timings.filter((t) => t.kind === kind);
            if (ts.length === 0) continue;
            const slowest = ts.reduce((a, b) => (median(b) > median(a) ? b : a));
            const errors = ts.filter((t) => t.error);
            table.push({
              profile, servers, series, via, kind, queries: ts.length,
              'median ms': fmt(spread(ts.map(median)).median, 1),
              'p90 ms': fmt(quantile90(ts.map(median)), 1),
              'slowest ms': fmt(median(slowest), 1),
              slowest: `${slowest.source}: ${slowest.name}`,
              'empty': ts.filter(isEmpty).length,
              errors: errors.length ? `${errors.length}: ${errors[0]!.error}` : 0,
            });
          }
          if (servers === Math.max(...sizes)) {
            const panels = timings.filter((t) => t.kind === 'panel');
            const slow = panels.filter((t) => t.error || median(t) > PANEL_BUDGET_MS);
            for (const t of slow) {
              table.push({ profile, servers, series, via, kind: 'over budget', queries: 1, 'median ms': t.error ? 'error' : fmt(median(t), 0),
                slowest: `${t.source}: ${t.name}`, 'read instead': recordedCandidates(t, queries).join(', ') || '(no recording rule reads these series)' });
            }
            budgets.push({
              budget: `${profile}: every dashboard panel ≤ ${PANEL_BUDGET_MS} ms at ${servers} servers through ${via}`,
              figure: slow.length === 0
                ? `slowest ${fmt(Math.max(...panels.map(median)), 0)} ms`
                : `${slow.length} over: ${slow.map((t) => `${t.source}/${t.name} ${t.error ?? `${fmt(median(t))} ms`}`).join('; ')}`,
              met: slow.length === 0,
            });
          }
        }
      }
    }
    return { table, budgets, raw };
  });
}

/**
 * Recording rules that pre-aggregate what a slow panel reads: no recorded inputs of their own,
 * the same series selectors once scope matchers (job, instance, tool: dashboard variables or the
 * rules' selector) are set aside, and the same quantile for a histogram_quantile.
 */
function recordedCandidates(panel: Query, queries: readonly Query[]): string[] {
  const selectors = (expr: string) => [...new Set([...expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\{([^}]*)\}/g)].map(([, name, body]) =>
    `${name}{${body!.split(/,\s*/).filter((m) => m && !/^(job|instance|tool|gen_ai_tool_name)\b/.test(m)).sort().join(',')}}`))].sort().join(' ');
  const quantileOf = (expr: string) => /histogram_quantile\(([\d.]+)/.exec(expr)?.[1];
  const wanted = selectors(panel.expr);
  return [...new Set(queries.filter((q) => q.kind === 'record' && q.recorded.length === 0 && wanted !== ''
    && selectors(q.expr) === wanted && quantileOf(q.expr) === quantileOf(panel.expr)).map((q) => q.name))];
}

function quantile90(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.9 * (s.length - 1)))]!;
}
