// `mcp-observability logs ship --url URL --log FILE [--audit FILE]`: tails the files and ships their
// JSON lines to VictoriaLogs until SIGTERM/SIGINT (then one last pass).
import { parseArgs } from 'node:util';
import { AUDIT_TRAIL, LogShipper, SERVER_LOG, type ShippedFile } from '../logship/shipper.js';
import { UsageError } from './usage-error.js';

export const LOGS_SHIP_USAGE = `usage: mcp-observability logs ship --url URL --log FILE [--audit FILE] [--service NAME] [--interval-ms N]
  --url URL          VictoriaLogs base URL (e.g. http://127.0.0.1:9428); lines go to URL/insert/jsonline
  --log FILE         the server's JSON log file
  --audit FILE       the audit trail (auditFile), shipped with source=audit
  --service NAME     service field on every row (default mcp-server)
  --interval-ms N    poll period (default 1000)`;

export async function logsShip(argv: string[]): Promise<number> {
  const usage = (message: string) => new UsageError(message, LOGS_SHIP_USAGE);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' }, log: { type: 'string' }, audit: { type: 'string' },
        service: { type: 'string', default: 'mcp-server' }, 'interval-ms': { type: 'string', default: '1000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (values.help) {
    console.log(LOGS_SHIP_USAGE);
    return 0;
  }
  if (!values.url) throw usage('--url is required');
  if (!values.log && !values.audit) throw usage('give --log and/or --audit');
  const intervalMs = Number(values['interval-ms']);
  if (!Number.isInteger(intervalMs) || intervalMs < 50) throw usage(`--interval-ms: expected an integer >= 50, got "${values['interval-ms']}"`);
  const files: ShippedFile[] = [];
  if (values.log) files.push(SERVER_LOG(values.log));
  if (values.audit) files.push(AUDIT_TRAIL(values.audit));
  let shipper: LogShipper;
  try {
    shipper = new LogShipper({ url: values.url, service: values.service, files, intervalMs, report: (l) => console.error(l) });
  } catch (err) {
    throw usage((err as Error).message);
  }
  shipper.start();
  console.error(`logs ship: shipping ${files.map((f) => f.path).join(', ')} to ${values.url} every ${intervalMs} ms (pid ${process.pid})`);
  const progress = setInterval(() => console.error(`logs ship: ${shipper.shipped} lines shipped`), 30_000);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  clearInterval(progress);
  await shipper.stop();
  console.error(`logs ship: stopped, ${shipper.shipped} lines shipped`);
  return 0;
}
