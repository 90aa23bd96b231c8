// The traces-and-logs drill: make one slow search_docs call on a reference server running with
// OTLP export and log shipping, then follow it the way docs/tracing.md tells a person to:
// Prometheus exemplar on the latency histogram → its trace_id in Jaeger (/api/traces/<id>) →
// the call's lines in VictoriaLogs (LogsQL `trace_id:<id>`): its audit record (the call's one record when
// the server has an audit file) or its request log line.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { getProfile, type ProfileName } from '@mcp-observability/catalog';
import { SignalQueries } from 'mcp-observability';
import { pollUntil } from 'mcp-observability/stack';
import { sendJson } from 'mcp-observability/stack';
import type { CheckRow } from 'mcp-observability/stack';

export interface TraceDrillTarget {
  /** Reference server base URL (http://127.0.0.1:3100): /mcp and /admin/faults. */
  serverUrl: string;
  /** Bearer token the server requires, if any. */
  authToken?: string;
  profile: ProfileName;
  /** Prometheus job of that server (exemplars are looked up for it). */
  job: string;
  prometheusUrl: string;
  /** Jaeger query base URL (http://127.0.0.1:16686). */
  jaegerUrl: string;
  /** VictoriaLogs base URL (http://127.0.0.1:9428). */
  victoriaLogsUrl: string;
}

export interface TraceDrillOptions {
  /** Injected search_docs latency. */
  slowMs: number;
  /** Per step: scrape + exemplar, span export, log shipping. */
  stepTimeoutMs: number;
  progress?: (line: string) => void;
}

export interface TraceDrillResult {
  rows: CheckRow[];
  traceId?: string;
}

const TOOL = 'search_docs';

async function getJsonOrUndefined<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    return await res.json() as T;
  } catch {
    return undefined;
  }
}

async function slowCall(t: TraceDrillTarget, slowMs: number): Promise<void> {
  await sendJson(`${t.serverUrl}/admin/faults`, 'POST', { tool: TOOL, latencyMs: slowMs });
  const headers = t.authToken ? { authorization: `Bearer ${t.authToken}` } : undefined;
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', t.serverUrl), { requestInit: { headers } });
  const client = new Client({ name: 'trace-drill', version: '1' });
  try {
    await client.connect(transport);
    await client.callTool({ name: TOOL, arguments: { query: 'exemplar trace drill' } });
    await transport.terminateSession().catch(() => undefined);
  } finally {
    await client.close();
    await sendJson(`${t.serverUrl}/admin/faults`, 'DELETE');
  }
}

interface ExemplarSeries {
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

/** The trace id of the slowest exemplar at or above `minSeconds` on the server's search_docs buckets. */
async function slowExemplar(t: TraceDrillTarget, since: number, minSeconds: number): Promise<string | undefined> {
  const q = new SignalQueries(getProfile(t.profile), [{ label: 'job', op: '=', value: t.job }], []);
  const query = q.select('toolDuration', { part: 'bucket', where: { tool: TOOL } });
  const url = new URL('/api/v1/query_exemplars', t.prometheusUrl);
  url.searchParams.set('query', query);
  url.searchParams.set('start', String(since / 1000 - 60));
  url.searchParams.set('end', String(Date.now() / 1000 + 60));
  const body = await getJsonOrUndefined<{ data: ExemplarSeries[] }>(url.href);
  const slow = (body?.data ?? []).flatMap((s) => s.exemplars).filter((e) => Number(e.value) >= minSeconds && e.labels.trace_id);
  slow.sort((a, b) => Number(b.value) - Number(a.value));
  return slow[0]?.labels.trace_id;
}

interface JaegerSpan { operationName: string; duration: number; spanID: string }

async function jaegerSpan(t: TraceDrillTarget, traceId: string): Promise<JaegerSpan | undefined> {
  const body = await getJsonOrUndefined<{ data: { spans: JaegerSpan[] }[] }>(`${t.jaegerUrl}/api/traces/${traceId}`);
  return body?.data?.[0]?.spans.find((s) => s.operationName === `tools/call ${TOOL}`);
}

async function logLines(t: TraceDrillTarget, traceId: string): Promise<Record<string, unknown>[] | undefined> {
  const url = new URL('/select/logsql/query', t.victoriaLogsUrl);
  url.searchParams.set('query', `trace_id:${traceId}`);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    const lines = (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    // A log line names the tool in `tool`; logs:ship makes an audit record's `tool` its message (_msg).
    return lines.some((l) => l.tool === TOOL || (l.source === 'audit' && l._msg === TOOL)) ? lines : undefined;
  } catch {
    return undefined;
  }
}

export async function traceDrill(t: TraceDrillTarget, o: TraceDrillOptions): Promise<TraceDrillResult> {
  const rows: CheckRow[] = [];
  const row = (subject: string, ok: boolean, detail: string) => rows.push({ area: 'trace drill', subject, ok, detail });
  const poll = { timeoutMs: o.stepTimeoutMs, intervalMs: 1_000 };
  const started = Date.now();
  o.progress?.(`trace drill: one ${TOOL} call slowed to ${o.slowMs} ms`);
  await slowCall(t, o.slowMs);

  const traceId = await pollUntil(() => slowExemplar(t, started, o.slowMs / 1000), poll);
  if (!traceId) {
    row('exemplar', false, `no exemplar >= ${o.slowMs / 1000}s on ${TOOL} in ${o.stepTimeoutMs / 1000}s ` +
      '(Prometheus needs --enable-feature=exemplar-storage and an OpenMetrics scrape)');
    return { rows };
  }
  row('exemplar', true, `trace_id ${traceId} from /api/v1/query_exemplars`);

  const span = await pollUntil(() => jaegerSpan(t, traceId), poll);
  row('jaeger trace', span !== undefined && span.duration >= o.slowMs * 1000,
    span ? `span "tools/call ${TOOL}" ${(span.duration / 1000).toFixed(0)} ms in /api/traces/${traceId}`
      : `no trace ${traceId} in Jaeger after ${o.stepTimeoutMs / 1000}s (is the server exporting OTLP?)`);

  const lines = await pollUntil(() => logLines(t, traceId), poll);
  row('victorialogs lines', lines !== undefined,
    lines ? `${lines.length} line(s) for trace_id:${traceId}` : `no ${TOOL} audit record or log line for trace_id:${traceId} (is logs:ship running, with --audit for a server with an audit file?)`);
  return { rows, traceId };
}
