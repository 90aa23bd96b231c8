// Every item of the secrets corpus, sent in every place a client controls, through a live Streamable
// HTTP server with debug logs, an audit trail, tracing and result redaction on: no raw item may reach
// any sink (log lines, audit records, the SIEM export of both, metric label values, span names,
// attributes and statuses, and the results the client receives).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLines } from '../../src/cli/siem/export.js';
import { startHttpFixture, type HttpFixture } from '../instrument/fixtures/http-server.js';
import { scrape } from '../instrument/scrape.js';
import { SpanStore } from '../tracing/span-store.js';
import { SECRETS_CORPUS, type CorpusItem } from './fixtures/secrets-corpus.js';

const PLACEMENTS = ['argument value', 'argument key', 'tool name', 'client name', 'method name', '_meta value', 'result'] as const;
type Placement = (typeof PLACEMENTS)[number];

/** Sends `item` in `placement` over its own session; returns what the client received. */
async function send(url: URL, item: CorpusItem, placement: Placement): Promise<string> {
  const client = new Client({ name: placement === 'client name' ? item.value : 'corpus-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  let received: unknown;
  try {
    switch (placement) {
      case 'argument value':
        received = await client.callTool({ name: 'echo', arguments: { payload: { note: item.value } } });
        break;
      case 'argument key':
        received = await client.callTool({ name: 'echo', arguments: { payload: { [item.value]: 1 } } });
        break;
      case 'tool name':
        received = await client.callTool({ name: item.value, arguments: {} });
        break;
      case 'client name':
        received = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
        break;
      case 'method name':
        received = await client.request({ method: item.value, params: {} }, (await import('zod')).z.unknown()).catch((e: Error) => e.message);
        break;
      case '_meta value':
        received = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 },
          _meta: { note: item.value, 'dev.mcp-observability/task': { id: item.value, turn: 1 }, progressToken: item.value } });
        break;
      case 'result':
        received = await client.callTool({ name: 'echo', arguments: { payload: { text: `here it is: ${item.value}` } } });
        break;
    }
  } finally {
    await transport.terminateSession().catch(() => {});
    await client.close();
  }
  return JSON.stringify(received);
}

/** The forms a raw item takes in a sink: as is, JSON-escaped, and (long ones) its middle part. */
function rawForms(item: CorpusItem): string[] {
  const s = item.secret;
  const forms = [s, JSON.stringify(s).slice(1, -1)];
  if (s.length >= 24) forms.push(s.slice(Math.floor(s.length / 2) - 8, Math.floor(s.length / 2) + 8));
  return forms;
}

describe('secrets corpus through every placement and sink', () => {
  let fx: HttpFixture;
  const logs = new PassThrough();
  let logText = '';
  let auditFile = '';
  const spans = new SpanStore();
  const received = new Map<string, string>();

  beforeAll(async () => {
    logs.on('data', (c: Buffer) => { logText += c.toString('utf8'); });
    auditFile = join(mkdtempSync(join(tmpdir(), 'corpus-')), 'audit.jsonl');
    fx = await startHttpFixture({ log: { stream: logs }, logLevel: 'debug', auditFile, tracing: { exporter: spans },
      redactToolResults: true, redactIpAddresses: true, maxLogLinesPerSecond: 1_000_000 });
    for (const item of SECRETS_CORPUS) {
      for (const placement of PLACEMENTS) received.set(`${placement}|${item.value}`, await send(fx.url, item, placement));
    }
  }, 240_000);
  let closed = false;
  afterAll(async () => { if (!closed) await fx?.close(); });

  it(`leaks none of ${SECRETS_CORPUS.length} items × ${PLACEMENTS.length} placements into any sink`, async () => {
    const prom = await scrape(fx.base);
    const openMetrics = await scrape(fx.base, 'application/openmetrics-text; version=1.0.0');
    await fx.close();
    closed = true;
    const auditText = readFileSync(auditFile, 'utf8');
    let siem = '';
    const counts = { exported: 0, unreadable: 0, skipped: 0 };
    exportLines(auditText, 'audit', undefined, (l) => { siem += `${l}\n`; }, counts);
    exportLines(logText, 'log', undefined, (l) => { siem += `${l}\n`; }, counts);
    const spanText = JSON.stringify(spans.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })));
    const sinks: Record<string, string> = { logs: logText, audit: auditText, siem, metrics: prom + openMetrics, spans: spanText };
    const leaks: string[] = [];
    for (const item of SECRETS_CORPUS) {
      const forms = rawForms(item);
      for (const [sink, text] of Object.entries(sinks)) {
        if (forms.some((f) => text.includes(f))) leaks.push(`${item.kind} in ${sink}: ${item.value.slice(0, 40)}`);
      }
      const result = received.get(`result|${item.value}`)!;
      if (forms.some((f) => result.includes(f))) leaks.push(`${item.kind} in the result sent to the client`);
    }
    const kinds = new Set(SECRETS_CORPUS.map((i) => i.kind)).size;
    console.log(`sinks corpus: ${SECRETS_CORPUS.length} items (${kinds} kinds) × ${PLACEMENTS.length} placements = ${SECRETS_CORPUS.length * PLACEMENTS.length} sends; sinks: ${Object.keys(sinks).join(', ')}, results; leaks: ${leaks.length}`);
    expect(spans.getFinishedSpans().length).toBeGreaterThan(SECRETS_CORPUS.length * 5);
    expect(auditText.split('\n').length).toBeGreaterThan(SECRETS_CORPUS.length * 4);
    expect(leaks).toEqual([]);
  });
});
