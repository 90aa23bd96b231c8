// Entry point: npm run traces-logs [-- --dir .run/traces]
// Runs Jaeger (OTLP/HTTP 127.0.0.1:4318, query API 127.0.0.1:16686) and VictoriaLogs (127.0.0.1:9428)
// from the peers cache (`npm run peers`) until Ctrl-C / SIGTERM, then stops both by their PIDs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { readPeers, requirePeerBin } from './peers-manifest.js';
import { DEFAULT_JAEGER_PORTS, DEFAULT_VICTORIALOGS_PORT, jaegerArgv, jaegerConfig, victoriaLogsArgv } from './traces-logs.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: '.run/traces' } }, strict: true });
const dir = resolve(values.dir);
mkdirSync(dir, { recursive: true });
const peers = readPeers();
let jaegerBin: string;
let victoriaLogsBin: string;
try {
  jaegerBin = requirePeerBin(peers, 'jaeger');
  victoriaLogsBin = requirePeerBin(peers, 'victoria-logs');
} catch (err) {
  console.error(`traces-logs: ${(err as Error).message}`);
  process.exit(1);
}
const configPath = join(dir, 'jaeger.yaml');
writeFileSync(configPath, jaegerConfig(DEFAULT_JAEGER_PORTS));
const start = ([bin, ...args]: string[], name: string) => {
  const child = execa(bin!, args, { stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', reject: false });
  void child.then((r) => {
    if (!stopping) {
      console.error(`traces-logs: ${name} exited (${r.exitCode ?? r.signal}); stopping`);
      void stop();
    }
  });
  return { name, child };
};
let stopping = false;
const children = [
  start(jaegerArgv(jaegerBin, configPath), 'jaeger'),
  start(victoriaLogsArgv(victoriaLogsBin, DEFAULT_VICTORIALOGS_PORT, join(dir, 'victoria-logs-data')), 'victoria-logs'),
];
console.error(`traces-logs: jaeger pid ${children[0]!.child.pid} (OTLP http://127.0.0.1:${DEFAULT_JAEGER_PORTS.otlpHttp}, ` +
  `query http://127.0.0.1:${DEFAULT_JAEGER_PORTS.query}), victoria-logs pid ${children[1]!.child.pid} ` +
  `(http://127.0.0.1:${DEFAULT_VICTORIALOGS_PORT}); Ctrl-C stops both`);

async function stop(): Promise<void> {
  stopping = true;
  for (const { child } of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
  await Promise.all(children.map(({ child }) => child));
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
