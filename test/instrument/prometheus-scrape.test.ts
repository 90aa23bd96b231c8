// A real Prometheus (the Debian 2.42 binary) scrapes both profiles' /metrics in both formats:
// OpenMetrics as Prometheus asks for it by default (exemplars stored with exemplar-storage on) and
// Prometheus text (the Accept header removed). Every target must be up, the two formats must
// yield the same series, and values, escaped label values and exemplars must arrive intact.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileName } from '../../src/catalog/index.js';
import type { Instrumentation } from '../../src/instrument/index.js';
import { prometheusBinary } from '../../src/cli/stack/binaries.js';
import { freePort, startPeer, stopPeer, waitForHttp, type RunningPeer } from '../peers/support/process.js';
import { populatedInstrumentation } from '../../bench/render.js';

const PROFILES = ['prom-client', 'otel'] as const;
const FORMATS = ['openmetrics', 'text'] as const;
const job = (profile: ProfileName, format: (typeof FORMATS)[number]) => `${profile}-${format}`;

interface Sample { metric: Record<string, string>; value: [number, string] }

describe('Prometheus scraping /metrics', () => {
  const instrs = new Map<ProfileName, { instr: Instrumentation; close(): Promise<void> }>();
  let target: Server;
  let prometheus: RunningPeer | undefined;
  let base = '';
  let targetBase = '';
  let workDir = '';

  const query = async (promql: string): Promise<Sample[]> => {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { result: Sample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data.result;
  };

  beforeAll(async () => {
    for (const profile of PROFILES) instrs.set(profile, await populatedInstrumentation(['add', 'divide'], profile, 'we"ird\\cli\nent'));
    // /<profile>/<format>/metrics → that instrumentation's handler; "text" drops the scraper's Accept header.
    target = createServer((req, res) => {
      const [, profile, format] = (req.url ?? '').split('/');
      const entry = instrs.get(profile as ProfileName);
      if (!entry) return void res.writeHead(404).end();
      if (format === 'text') delete req.headers.accept;
      req.url = '/metrics';
      entry.instr.metricsHandler(req, res).catch(() => res.writeHead(500).end());
    });
    const targetPort = await freePort();
    await new Promise<void>((resolve) => target.listen(targetPort, '127.0.0.1', resolve));
    targetBase = `http://127.0.0.1:${targetPort}`;

    workDir = mkdtempSync(join(tmpdir(), 'mcp-scrape-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: PROFILES.flatMap((p) => FORMATS.map((f) => ({
        job_name: job(p, f), metrics_path: `/${p}/${f}/metrics`, static_configs: [{ targets: [`127.0.0.1:${targetPort}`] }],
      }))),
    };
    writeFileSync(join(workDir, 'prometheus.yml'), JSON.stringify(config)); // JSON is YAML
    prometheus = startPeer(prometheusBinary(), [`--config.file=${join(workDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=exemplar-storage']);
    // Ready once every target has been scraped at least once (bounded: 40 s).
    await waitForHttp(prometheus, `${base}/api/v1/query?query=${encodeURIComponent('count(up)')}`, {
      timeoutMs: 40_000, intervalMs: 500,
      ready: async (res) => {
        const body = (await res.json()) as { data?: { result: Sample[] } };
        return body.data?.result[0]?.value[1] === String(PROFILES.length * FORMATS.length);
      },
    });
  }, 90_000);

  afterAll(async () => {
    if (prometheus) await stopPeer(prometheus);
    await new Promise((resolve) => target?.close(resolve));
    for (const { close } of instrs.values()) await close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('scrapes every target without error', async () => {
    const up = await query('up');
    expect(Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]))).toEqual(
      Object.fromEntries(PROFILES.flatMap((p) => FORMATS.map((f) => [job(p, f), '1']))));
  });

  it.each(PROFILES)('stores every catalogue series of the exposition, from OpenMetrics and from Prometheus text (%s)', async (profile) => {
    // Series per metric name in the exposition itself (the catalogue's families; runtime ones vary per scrape).
    const text = await (await fetch(`${targetBase}/${profile}/text/metrics`)).text();
    const exposed: Record<string, string> = {};
    for (const name of text.split('\n').map((l) => /^mcp_[a-zA-Z0-9_:]*/.exec(l)?.[0]).filter((n) => n !== undefined)) {
      exposed[name] = String(Number(exposed[name] ?? 0) + 1);
    }
    expect(Object.keys(exposed).length).toBeGreaterThan(0);
    for (const format of FORMATS) {
      const stored = await query(`count by (__name__) ({job="${job(profile, format)}", __name__=~"mcp_.*"})`);
      expect(Object.fromEntries(stored.map((s) => [s.metric.__name__, s.value[1]])), format).toEqual(exposed);
    }
  });

  it('keeps values and escaped label values intact in both formats', async () => {
    for (const format of FORMATS) {
      const calls = await query(`mcp_tool_invocations_total{job="${job('prom-client', format)}", tool="add"}`);
      expect(Object.fromEntries(calls.map((s) => [s.metric.status, s.value[1]])), format).toEqual({ ok: '1', error: '2' });
      // PromQL string escapes: the client name is we"ird\cli<newline>ent.
      const handshakes = await query(`mcp_handshakes_total{job="${job('prom-client', format)}", client_name="we\\"ird\\\\cli\\nent"}`);
      expect(handshakes.map((s) => s.value[1]), format).toEqual(['1']);
      const ops = await query(`sum(mcp_server_operation_duration_seconds_count{job="${job('otel', format)}", gen_ai_tool_name="divide"})`);
      expect(ops.map((s) => s.value[1]), format).toEqual(['3']);
    }
  });

  it('stores exemplars with trace ids from the OpenMetrics scrape only', async () => {
    const exemplars = async (selector: string) => {
      const now = Date.now() / 1000;
      const res = await fetch(`${base}/api/v1/query_exemplars?query=${encodeURIComponent(selector)}&start=${now - 600}&end=${now + 60}`);
      const body = (await res.json()) as { data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string> }[] }[] };
      return body.data.flatMap((s) => s.exemplars.map((e) => e.labels));
    };
    for (const [profile, family] of [['prom-client', 'mcp_tool_duration_seconds_bucket'], ['otel', 'mcp_server_operation_duration_seconds_bucket']] as const) {
      const open = await exemplars(`${family}{job="${job(profile, 'openmetrics')}"}`);
      expect(open.length, profile).toBeGreaterThan(0);
      for (const labels of open) expect(labels, profile).toEqual({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(await exemplars(`${family}{job="${job(profile, 'text')}"}`), profile).toEqual([]);
    }
  });
});
