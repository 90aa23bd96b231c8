// /metrics render time and size at 10, 50 and 500 tools: the naive histogram+counter per tool
// (prom-client and OTel SDK) against the full instrumentation's registry (every catalogue signal).
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Counter, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { LATENCY_BUCKETS, type ProfileName } from '../src/catalog/index.js';
import { createInstrumentation, type Instrumentation } from '../src/instrument/index.js';
import { alternate, benchmark, fmt, fmtSpread, progress, spread, type BenchOptions, type BenchResult, type Row } from './harness.js';
import { otelMeter } from './variants.js';

export interface RenderOptions extends BenchOptions {
  rounds?: number;
}

type Render = () => Promise<string>;
const RENDER_BUDGET_MS: Record<number, number> = { 50: 5, 500: 50 };

function toolNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `tool_${String(i).padStart(3, '0')}`);
}

function promNaive(tools: string[]): Render {
  const registry = new Registry();
  const h = new Histogram({ name: 'mcp_tool_duration_seconds', help: 'h', labelNames: ['tool'], buckets: [...LATENCY_BUCKETS], registers: [registry] });
  const c = new Counter({ name: 'mcp_tool_invocations_total', help: 'c', labelNames: ['tool', 'status'], registers: [registry] });
  for (const tool of tools) {
    h.observe({ tool }, 0.004);
    c.inc({ tool, status: 'ok' });
    c.inc({ tool, status: 'error' });
  }
  return () => registry.metrics();
}

function otelNaive(tools: string[]): Render {
  const otel = otelMeter();
  const h = otel.meter.createHistogram('mcp.tool.duration', { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS] } });
  const c = otel.meter.createCounter('mcp.tool.invocations');
  for (const tool of tools) {
    h.record(0.004, { tool });
    c.add(1, { tool, status: 'ok' });
    c.add(1, { tool, status: 'error' });
  }
  return otel.render;
}

/** What a scrape with this Accept header gets from the real handler: /metrics as served. */
export async function scrapeHandler(instr: Instrumentation, accept?: string): Promise<string> {
  let body = '';
  const req = { url: '/metrics', headers: accept ? { accept } : {} } as IncomingMessage;
  const res = {
    writeHead(status: number) {
      if (status !== 200) throw new Error(`/metrics answered ${status}`);
      return res;
    },
    end(text: string) { body = text; },
  } as unknown as ServerResponse;
  await instr.metricsHandler(req, res);
  return body;
}

/**
 * The real instrumentation, populated the way traffic populates it: per tool an ok call with
 * tokens and cost, a failing call and a schema-invalid call; plus an unknown tool, an unknown
 * method, tools/list, a finished agent task, an HTTP rejection and an auth failure
 * (test/instrument/exposition.test.ts uses it with a client name that needs escaping).
 */
export async function populatedInstrumentation(tools: readonly string[], profile: ProfileName, clientName = 'claude-code'):
Promise<{ instr: Instrumentation; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-render-'));
  const instr = createInstrumentation({ profile, tools, log: { file: join(dir, 'log') }, auditFile: join(dir, 'audit') });
  const server = new McpServer({ name: 'render-bench', version: '1.0.0' });
  for (const tool of tools) {
    server.registerTool(tool, { inputSchema: { fail: z.boolean() } }, async ({ fail }, extra) => {
      instr.reportTokens({ inputTokens: 100, outputTokens: 20, costUsd: 0.0001 }, extra);
      return { content: [{ type: 'text', text: 'ok' }], isError: fail };
    });
  }
  const [client, transport] = InMemoryTransport.createLinkedPair();
  const answers = new Map<number, () => void>();
  client.onmessage = (m) => { if ('id' in m) answers.get(m.id as number)?.(); };
  await server.connect(instr.instrumentTransport(transport, { kind: 'http', server }));
  let id = 0;
  const call = (method: string, params: Record<string, unknown> = {}) => new Promise<void>((resolve) => {
    answers.set(++id, resolve);
    void client.send({ jsonrpc: '2.0', id, method, params });
  });
  await call('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: clientName, version: '1' } });
  await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  await call('tools/list');
  await call('no/such_method');
  await call('tools/call', { name: 'no_such_tool', arguments: {} });
  for (const name of tools) {
    await call('tools/call', { name, arguments: { fail: false } });
    await call('tools/call', { name, arguments: { fail: true } });
    await call('tools/call', { name, arguments: { fail: 'not a boolean' } });
  }
  instr.recordTask({ outcome: 'success', turns: 3 });
  instr.httpRejection('unknown_session', { code: -32001 });
  instr.authFailure('missing');
  return {
    instr,
    async close() {
      await instr.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prometheus's own scrape Accept header (2.x and 3.x prefer OpenMetrics, so exemplars come along). */
export const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,'
  + 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** The full instrumentation's /metrics: Prometheus text, or OpenMetrics as Prometheus asks for it. */
async function full(tools: string[], profile: ProfileName, openMetrics: boolean): Promise<Render> {
  const { instr, close } = await populatedInstrumentation(tools, profile);
  cleanups.push(close);
  return () => scrapeHandler(instr, openMetrics ? PROMETHEUS_ACCEPT : undefined);
}
const cleanups: (() => Promise<void>)[] = [];

const BUILDERS: Record<string, (tools: string[]) => Render | Promise<Render>> = {
  'prom-naive': promNaive, 'otel-naive': otelNaive,
  full: (tools) => full(tools, 'prom-client', false), 'full-openmetrics': (tools) => full(tools, 'prom-client', true),
  'full-otel': (tools) => full(tools, 'otel', false), 'full-otel-openmetrics': (tools) => full(tools, 'otel', true),
};
const FULL_VARIANTS = ['full', 'full-openmetrics', 'full-otel', 'full-otel-openmetrics'] as const;
type RenderVariant = keyof typeof BUILDERS;

export function run(opts: RenderOptions): Promise<BenchResult> {
  const sizes = opts.quick ? [3] : [10, 50, 500];
  const rounds = opts.rounds ?? (opts.quick ? 2 : 15);
  const variants = Object.keys(BUILDERS) as RenderVariant[];
  return benchmark('render', { toolCounts: sizes, rounds, variants }, async () => {
    const table: Row[] = [];
    const budgets: BenchResult['budgets'] = [];
    const raw: Record<string, unknown> = {};
    for (const n of sizes) {
      const tools = toolNames(n);
      const renders = new Map<RenderVariant, Render>();
      for (const v of variants) renders.set(v, await BUILDERS[v]!(tools));
      const bytes = new Map<RenderVariant, { bytes: number; lines: number }>();
      for (const [v, render] of renders) {
        const text = await render(); // warm-up, and the size of what a scrape transfers
        bytes.set(v, { bytes: Buffer.byteLength(text), lines: text.split('\n').filter((l) => l && !l.startsWith('#')).length });
      }
      const ms: Record<RenderVariant, number[]> = await alternate(variants, rounds, async (v) => {
        const t0 = performance.now();
        await renders.get(v)!();
        return performance.now() - t0;
      });
      progress(`render ${n} tools: ${variants.map((v) => `${v} ${fmt(spread(ms[v]!).median, 2)} ms`).join(', ')}`);
      raw[`${n}`] = { ms, size: Object.fromEntries(bytes) };
      for (const v of variants) {
        const s = spread(ms[v]!);
        table.push({ tools: n, variant: v, 'render ms': fmtSpread(s, 2), series: bytes.get(v)!.lines,
          'size KiB': fmt(bytes.get(v)!.bytes / 1024, 1) });
      }
      const budget = RENDER_BUDGET_MS[n];
      for (const v of FULL_VARIANTS) {
        if (budget === undefined) continue;
        const s = spread(ms[v]!);
        budgets.push({ budget: `/metrics render, ${v} (full catalogue) at ${n} tools ≤ ${budget} ms`,
          figure: `${fmtSpread(s, 2)} ms, ${fmt(bytes.get(v)!.bytes / 1024)} KiB`, met: s.median <= budget });
      }
      for (const cleanup of cleanups.splice(0)) await cleanup();
    }
    return { table, budgets, raw };
  });
}
