// A loopback fake of the Mimir ruler configuration API (<prefix>/config/v1/rules): one rule
// group per POST as YAML, 202 on success, 404 for unknown groups, 401 without X-Scope-OrgID.
// A namespace GET answers `{<namespace>: [groups]}` (404 when empty) and DELETE of a group 202,
// as the real Cortex 1.21 ruler does (test/peers/cortex.peers.test.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as yaml from 'js-yaml';

export interface FakeRuler {
  url: string;
  /** tenant → namespace → group name → group */
  groups: Map<string, Map<string, Map<string, { name: string }>>>;
  requests: { method: string; path: string; contentType?: string; tenant?: string }[];
  close(): Promise<void>;
}

interface StoredGroup { name: string; rules?: Record<string, unknown>[] }

/** Cortex 1.21 keeps a rule's `for` as a duration and leaves it out of its answers when it is zero. */
function storedAsCortex(group: StoredGroup): StoredGroup {
  return { ...group, rules: group.rules?.map((r) => (r.for === undefined || /^0+[a-z]*$/.test(String(r.for)) ? (({ for: _for, ...rest }) => rest)(r) : r)) };
}

export async function startFakeRuler(prefix = '/prometheus/config/v1/rules'): Promise<FakeRuler> {
  const groups: FakeRuler['groups'] = new Map();
  const requests: FakeRuler['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const tenant = req.headers['x-scope-orgid'] as string | undefined;
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      requests.push({ method: req.method ?? 'GET', path, contentType: req.headers['content-type'], tenant });
      if (!tenant) {
        res.writeHead(401).end('no org id\n');
        return;
      }
      if (!path.startsWith(`${prefix}/`)) {
        res.writeHead(404).end('404 page not found\n');
        return;
      }
      const [ns, group] = path.slice(prefix.length + 1).split('/').map(decodeURIComponent) as [string, string | undefined];
      const byNs = groups.get(tenant) ?? new Map<string, Map<string, { name: string }>>();
      groups.set(tenant, byNs);
      if (req.method === 'GET' && group) {
        const found = byNs.get(ns)?.get(group);
        if (!found) res.writeHead(404).end('group does not exist\n');
        else res.writeHead(200, { 'Content-Type': 'application/yaml' }).end(yaml.dump(found));
        return;
      }
      if (req.method === 'GET') {
        const held = [...(byNs.get(ns)?.values() ?? [])];
        if (!held.length) res.writeHead(404).end('no rule groups found\n');
        else res.writeHead(200, { 'Content-Type': 'application/yaml' }).end(yaml.dump({ [ns]: held }));
        return;
      }
      if (req.method === 'DELETE' && group) {
        if (!byNs.get(ns)?.delete(group)) res.writeHead(404).end('group does not exist\n');
        else res.writeHead(202).end('{"status":"success","data":null,"errorType":"","error":""}');
        return;
      }
      if (req.method === 'POST' && !group) {
        if (req.headers['content-type'] !== 'application/yaml') {
          res.writeHead(400).end('unsupported content type\n');
          return;
        }
        const parsed = yaml.load(body) as { name?: string };
        if (!parsed?.name) {
          res.writeHead(400).end('invalid rule group\n');
          return;
        }
        const inNs = byNs.get(ns) ?? new Map();
        inNs.set(parsed.name, storedAsCortex(parsed as StoredGroup));
        byNs.set(ns, inNs);
        res.writeHead(202).end('{"status":"success","data":null,"errorType":"","error":""}');
        return;
      }
      res.writeHead(405).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, groups, requests, close: () => new Promise((r) => server.close(() => r())) };
}
