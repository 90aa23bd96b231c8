// The reaper closes sessions idle past the limit (the SDK never does), and the log rate limit
// drops and counts bursts.
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/instrument/logger.js';
import { Redactor } from '../../src/instrument/redact.js';
import { startHttpFixture } from './fixtures/http-server.js';
import { scrape, value } from './scrape.js';

describe('idle sessions', () => {
  it('counts an idle session, then reaps it past the limit', async () => {
    // The limit leaves room for connect + listTools + the first scrape on a loaded machine
    // (0.4 s once reaped the session before its idle scrape).
    const limitSeconds = 2;
    const fx = await startHttpFixture({ log: { stream: new PassThrough() }, idleAfterSeconds: 0.2, idleSessionLimitSeconds: limitSeconds });
    try {
      const client = new Client({ name: 'sleepy', version: '1' });
      const transport = new StreamableHTTPClientTransport(fx.url);
      await client.connect(transport);
      await client.listTools();
      await new Promise((r) => setTimeout(r, 400));
      const idle = await scrape(fx.base);
      expect(value(idle, 'mcp_idle_sessions', { transport: 'http' })).toBe(1);
      expect(value(idle, 'mcp_active_connections', { transport: 'http' })).toBe(1);

      await new Promise((r) => setTimeout(r, limitSeconds * 1000 + 200));
      const reaped = await scrape(fx.base);
      expect(value(reaped, 'mcp_sessions_reaped_total', { transport: 'http' })).toBe(1);
      expect(value(reaped, 'mcp_active_connections', { transport: 'http' })).toBe(0);
      expect(value(reaped, 'mcp_idle_sessions', { transport: 'http' })).toBe(0);
      expect(value(reaped, 'mcp_session_duration_seconds_count', { transport: 'http' })).toBe(1);
      expect(value(reaped, 'mcp_session_duration_seconds_sum', { transport: 'http' })).toBeGreaterThan(limitSeconds);
      expect(fx.sessions.size).toBe(0);
      // The server forgot the session: the client's next request is rejected.
      await expect(client.listTools()).rejects.toThrow();
      await client.close();
    } finally {
      await fx.close();
    }
  });
});

describe('log rate limit', () => {
  it('drops lines past the per-second budget and reports how many', async () => {
    let text = '';
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
    const logger = new Logger({ destination: { stream }, level: 'info', maxLinesPerSecond: 10 }, new Redactor(() => {}));
    for (let i = 0; i < 50; i++) logger.info('burst', { i });
    expect(logger.dropped).toBe(40);
    await new Promise((r) => setTimeout(r, 1050));
    logger.info('after the burst');
    logger.flush();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.message === 'burst')).toHaveLength(10);
    expect(lines.find((l) => l.message === 'log lines dropped by rate limit')).toMatchObject({ level: 'warning', dropped: 40 });
    expect(lines.at(-1)).toMatchObject({ level: 'info', message: 'after the burst' });
    expect(lines[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
