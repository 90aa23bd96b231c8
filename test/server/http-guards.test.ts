// DNS-rebinding protection: only loopback Host (and Origin) headers are served, on every path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, type RunningServer } from './harness.js';

const INIT = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}';

describe('Host and Origin validation', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => server.stop());

  it.each(['evil.example', 'evil.example:3100', '10.0.0.1'])('rejects Host %s with 403 on /mcp and /metrics', async (host) => {
    const mcp = await rawRequest(server.port, { headers: { host }, body: INIT });
    expect(mcp.status).toBe(403);
    expect(JSON.parse(mcp.body).error.message).toContain('Invalid Host header');
    expect((await rawRequest(server.port, { method: 'GET', path: '/metrics', headers: { host } })).status).toBe(403);
  });

  it('rejects a foreign Origin', async () => {
    const r = await rawRequest(server.port, { headers: { origin: 'https://evil.example' }, body: INIT });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toContain('Invalid Origin header');
  });

  it.each([['localhost'], ['127.0.0.1']])('serves Host %s', async (name) => {
    const r = await rawRequest(server.port, { headers: { host: `${name}:${server.port}`, origin: `http://${name}:${server.port}` }, body: INIT });
    expect(r.status).toBe(200);
    expect(r.body).toContain('"protocolVersion":"2025-11-25"');
  });
});
