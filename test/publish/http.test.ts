import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs, HttpClient, retryAfterMs, TransportError } from '../../src/cli/publish/http.js';
import { Redactor } from '../../src/cli/publish/redact.js';
import { startFakeGrafana, type FakeGrafana } from './fake-grafana.js';
import { run, TOKEN } from './helpers.js';

let grafana: FakeGrafana;
beforeEach(async () => {
  grafana = await startFakeGrafana({ token: TOKEN });
});
afterEach(() => grafana.close());

describe('retries', () => {
  it('retries 503 and 429 with backoff, then succeeds', async () => {
    grafana.inject('POST', /^\/api\/dashboards\/db$/, [{ status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }]);
    const r = await run([], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(r.code).toBe(0);
    expect(r.err).toContain('retrying POST /api/dashboards/db after HTTP 503 (attempt 2/3');
    expect(r.err).toContain('retrying POST /api/dashboards/db after HTTP 429 (attempt 3/3');
    expect(grafana.dashboards.size).toBe(2);
  });

  it('gives up after the configured attempts and reports the failure', async () => {
    grafana.inject('GET', /^\/api\/folders\//, Array.from({ length: 10 }, () => ({ status: 503 })));
    const r = await run(['--retries', '2'], { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(grafana.requests.filter((q) => q.path.startsWith('/api/folders/'))).toHaveLength(3);
    expect(r.all).toContain('HTTP 503');
  });

  it('caps Retry-After at the policy maximum', async () => {
    grafana.inject('GET', /^\/api\/health$/, [{ status: 429, headers: { 'Retry-After': '3600' } }]);
    const http = new HttpClient({ baseUrl: grafana.url, headers: {}, redactor: new Redactor(),
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 1000 } });
    const started = Date.now();
    expect((await http.request('GET', '/api/health')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('times out a silent server and retries boundedly', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const http = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, headers: {}, redactor: new Redactor(),
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 100 } });
    await expect(http.request('GET', '/x')).rejects.toThrow(TransportError);
    await expect(http.request('GET', '/x')).rejects.toThrow(/failed after 2 attempts: timed out after 100 ms/);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('parses Retry-After seconds and dates, and grows the backoff exponentially within bounds', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 300, timeoutMs: 1000 };
    expect(backoffMs(policy, 1)).toBeGreaterThanOrEqual(50);
    expect(backoffMs(policy, 1)).toBeLessThanOrEqual(100);
    expect(backoffMs(policy, 2)).toBeGreaterThanOrEqual(100);
    expect(backoffMs(policy, 6)).toBeLessThanOrEqual(300);
  });
});
