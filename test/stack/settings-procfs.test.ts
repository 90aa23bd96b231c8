// Port settings from the environment, and what /proc tells about our processes and ports.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { identify, isSameProcess, portOwner } from '../../src/cli/stack/procfs.js';
import { stackSettings } from '../../src/cli/stack/settings.js';
import { validateConfig } from '../../src/cli/config/load.js';
import { referenceServices, serverPorts } from '../../src/stack-runtime/reference.js';

describe('stackSettings', () => {
  it('reads ports and run dir from MCP_STACK_* with documented defaults', () => {
    const s = stackSettings({ MCP_STACK_PROMETHEUS_PORT: '19090', MCP_STACK_RUN_DIR: '/tmp/x' }, '/repo');
    expect(s.ports).toEqual({ prometheus: 19090, alertmanager: 9093, grafana: 3000, webhook: 9099 });
    expect(s.runDir).toBe('/tmp/x');
    expect(stackSettings({}, '/repo').runDir).toBe('/repo/.run');
  });

  it('reads the reference servers\' ports the same way, and refuses one that clashes with a stack port', () => {
    expect(serverPorts({ MCP_STACK_OTEL_SERVER_PORT: '13101' })).toEqual({ 'prom-client': 3100, otel: 13101 });
    const config = validateConfig({});
    expect(() => referenceServices(config, stackSettings({ MCP_STACK_WEBHOOK_PORT: '3100' }), serverPorts({}), '/repo', '/tmp/audit'))
      .toThrow('MCP_STACK_SERVER_PORT=3100 is also the webhook port');
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
