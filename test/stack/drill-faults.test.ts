// Drills of different lanes run side by side against one reference server: ending one drill must
// take back only the fault it injected. CI once lost the resource-errors drill when the latency
// drill ended with "clear every fault": the resource alert fired, then resolved before
// Alertmanager's group_wait, and no notification ever reached the webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@mcp-observability/instrument';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultsResource } from '../../src/sample-server/admin-faults.js';
import { resourceGateKey } from '../../src/sample-server/content.js';
import { handleAdmin } from '../../src/sample-server/admin-resource.js';
import { FaultState } from '../../src/sample-server/faults/fault-state.js';
import { DRILLS, type DrillTarget } from '../../src/stack-runtime/check/drills.js';

const faults = new FaultState();
const quiet = { notice: () => {} } as unknown as Logger;
let server: Server;
let serverUrl: string;

beforeAll(async () => {
  const resource = faultsResource(faults);
  server = createServer((req, res) => {
    if (req.url === '/admin/faults') void handleAdmin(req, res, resource, quiet);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const drill = (name: string) => {
  const found = DRILLS.find((d) => d.name === name);
  if (!found) throw new Error(`no drill named ${name}`);
  return found;
};

const target = () => ({ serverUrl, config: { toolLatency: [], defaultToolLatency: { thresholdSeconds: 1 } } }) as unknown as DrillTarget;
const RESOURCE_FAULT = { resource: 'docs-page', errorRate: 0.5 };

describe('a drill ends by taking back its own fault only', () => {
  it.each([
    { name: 'slow search_docs', injected: { latencyMs: 1500 } },
    { name: 'error burst', injected: { errorRate: 0.6 } },
  ])('$name leaves another lane\'s resource fault in force', async ({ name, injected }) => {
    faults.clear();
    faults.apply([RESOURCE_FAULT]);
    const takeBack = await drill(name).inject(target());
    expect(faults.snapshot().tools.search_docs).toEqual(injected);
    await takeBack();
    const after = faults.snapshot();
    expect(after.tools[resourceGateKey(RESOURCE_FAULT.resource)]).toEqual({ errorRate: RESOURCE_FAULT.errorRate });
    expect(Object.values(after.tools.search_docs ?? {}).filter((v) => v !== 0)).toEqual([]);
  });
});
