// Entry point: npm run logs:ship -- --url http://127.0.0.1:9428 --log server.log [--audit audit.jsonl] [--service NAME]
// Tails the files and ships their JSON lines to VictoriaLogs until SIGTERM/SIGINT (then one last pass).
import { parseArgs } from 'node:util';
import { AUDIT_TRAIL, LogShipper, SERVER_LOG, type ShippedFile } from '../src/logship/shipper.js';

const USAGE = `Usage: npm run logs:ship -- --url URL --log FILE [--audit FILE] [--service NAME] [--interval-ms N]

  --url URL          VictoriaLogs base URL (e.g. http://127.0.0.1:9428); lines go to URL/insert/jsonline
  --log FILE         the server's JSON log file (--log-file of the sample server)
  --audit FILE       the audit trail (--audit-file), shipped with source=audit
  --service NAME     service field on every row (default mcp-sample-server)
  --interval-ms N    poll period (default 1000)`;

function fail(message: string): never {
  console.error(`logs:ship: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      url: { type: 'string' }, log: { type: 'string' }, audit: { type: 'string' },
      service: { type: 'string', default: 'mcp-sample-server' }, 'interval-ms': { type: 'string', default: '1000' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.url) fail('--url is required');
if (!values.log && !values.audit) fail('give --log and/or --audit');
const intervalMs = Number(values['interval-ms']);
if (!Number.isInteger(intervalMs) || intervalMs < 50) fail(`--interval-ms: expected an integer >= 50, got "${values['interval-ms']}"`);
const files: ShippedFile[] = [];
if (values.log) files.push(SERVER_LOG(values.log));
if (values.audit) files.push(AUDIT_TRAIL(values.audit));

let shipper: LogShipper;
try {
  shipper = new LogShipper({ url: values.url, service: values.service, files, intervalMs, report: (l) => console.error(l) });
} catch (err) {
  fail((err as Error).message);
}
shipper.start();
console.error(`logs:ship: shipping ${files.map((f) => f.path).join(', ')} to ${values.url} every ${intervalMs} ms (pid ${process.pid})`);
const progress = setInterval(() => console.error(`logs:ship: ${shipper.shipped} lines shipped`), 30_000);
const stop = async () => {
  clearInterval(progress);
  await shipper.stop();
  console.error(`logs:ship: stopped, ${shipper.shipped} lines shipped`);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
