// Port settings from the environment, and what /proc tells about our processes and ports.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { identify, isSameProcess, portOwner } from '../../src/stack/procfs.js';
import { stackSettings } from '../../src/stack/settings.js';

describe('stackSettings', () => {
  it('reads ports and run dir from MCP_STACK_* with documented defaults', () => {
    const s = stackSettings({ MCP_STACK_PROMETHEUS_PORT: '19090', MCP_STACK_RUN_DIR: '/tmp/x' }, '/repo');
    expect(s.ports).toEqual({ prometheus: 19090, alertmanager: 9093, grafana: 3000, server: 3100, otelServer: 3101, webhook: 9099 });
    expect(s.runDir).toBe('/tmp/x');
    expect(stackSettings({}, '/repo').runDir).toBe('/repo/.run');
  });

  it('names the variable of a bad or clashing port', () => {
    expect(() => stackSettings({ MCP_STACK_WEBHOOK_PORT: 'abc' })).toThrow('MCP_STACK_WEBHOOK_PORT=abc: expected a TCP port number 1-65535');
    expect(() => stackSettings({ MCP_STACK_GRAFANA_PORT: '9090' }))
      .toThrow('MCP_STACK_GRAFANA_PORT and MCP_STACK_PROMETHEUS_PORT are both 9090');
  });
});

describe('procfs', () => {
  it('identifies this process and tells it from a changed identity', () => {
    const me = identify(process.pid);
    expect(me?.argv[0]).toBe(process.execPath);
    expect(me && isSameProcess(me)).toBe(true);
    expect(me && isSameProcess({ ...me, startTicks: me.startTicks + 1 })).toBe(false);
    expect(me && isSameProcess({ ...me, argv: ['something-else'] })).toBe(false);
  });

  it('finds the process listening on a port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(portOwner(port)?.pid).toBe(process.pid);
    } finally {
      server.close();
    }
  });
});
