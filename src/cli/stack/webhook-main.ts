// Entry of the stack's webhook receiver: `tsx scripts/webhook-receiver.ts --port 9099 --log FILE [--host 127.0.0.1]`.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createWebhookReceiver } from './webhook.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '9099' }, host: { type: 'string', default: '127.0.0.1' }, log: { type: 'string' } },
});
if (!values.log) {
  console.error('usage: webhook-receiver --port 9099 --log FILE [--host 127.0.0.1]');
  process.exit(2);
}
mkdirSync(dirname(values.log), { recursive: true });
const server = createWebhookReceiver(values.log);
server.listen(Number(values.port), values.host, () => console.log(`webhook receiver on http://${values.host}:${values.port}, recording to ${values.log}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
