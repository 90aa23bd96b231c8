// The example in docs/instrumentation.md runs as documented: a client calls its tool and the
// side-port /metrics shows the call.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, it } from 'vitest';
import { scrape, value } from './scrape.js';

it('instruments the documented example server', async () => {
  const transport = new StdioClientTransport({
    command: process.execPath, args: ['--import', 'tsx', 'examples/instrumented-stdio-server.ts'], stderr: 'pipe',
    env: { ...process.env as Record<string, string>, METRICS_PORT: '0' },
  });
  const url = new Promise<string>((resolve) => createInterface({ input: transport.stderr as Readable }).on('line', (l) => {
    const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/metrics"/.exec(l);
    if (m) resolve(m[1]!);
  }));
  const client = new Client({ name: 'docs-example', version: '1' });
  await client.connect(transport);
  try {
    await client.callTool({ name: 'forecast', arguments: { city: 'Lyon' } });
    const text = await scrape(await url);
    expect(value(text, 'mcp_tool_invocations_total', { tool: 'forecast', status: 'ok' })).toBe(1);
  } finally {
    await client.close();
  }
}, 30_000);
