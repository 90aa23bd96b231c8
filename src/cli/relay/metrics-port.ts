// wrap's metrics port: the instrumentation's handler, after the relay has observed everything that
// passed so far. The relay's threads move the bytes and the main thread observes them in batches,
// so without this a scrape right after an answer could miss it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Instrumentation, MetricsServer } from '@mcp-observability/instrument';

export function serveMetricsCaughtUp(instrumentation: Instrumentation, port: number, host: string, catchUp: () => void): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    catchUp();
    instrumentation.metricsHandler(req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      const close = () => new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
      resolve({ port: bound, url: `http://${host}:${bound}`, close });
    });
  });
}
