// The stack's Alertmanager webhook receiver: appends every notification to a JSON-lines file and
// serves them back at GET /notifications, so `check` can see deliveries in native and compose mode.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

export interface AlertNotification {
  /** When the receiver got it (ISO time). */
  at: string;
  /** Webhook path, one per severity (/alerts/critical, ...). */
  path: string;
  status: string;
  receiver: string;
  alerts: { status: string; labels: Record<string, string>; startsAt: string; endsAt: string }[];
}

interface WebhookPayload {
  status?: string;
  receiver?: string;
  alerts?: { status: string; labels: Record<string, string>; startsAt: string; endsAt: string }[];
}

const MAX_BODY = 1 << 20;

export function readNotifications(file: string): AlertNotification[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AlertNotification);
}

export function createWebhookReceiver(logFile: string): Server {
  return createServer((req, res) => {
    const reply = (code: number, body: string, type = 'text/plain') => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method === 'GET' && req.url === '/health') return reply(200, 'ok\n');
    if (req.method === 'GET' && req.url === '/notifications') {
      return reply(200, JSON.stringify(readNotifications(logFile)), 'application/json');
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/alerts/')) return reply(404, 'not found\n');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return reply(413, 'payload too large\n');
      let payload: WebhookPayload;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
      } catch {
        return reply(400, 'expected an Alertmanager webhook JSON body\n');
      }
      const record: AlertNotification = {
        at: new Date().toISOString(),
        path: req.url as string,
        status: payload.status ?? 'unknown',
        receiver: payload.receiver ?? 'unknown',
        alerts: (payload.alerts ?? []).map(({ status, labels, startsAt, endsAt }) => ({ status, labels, startsAt, endsAt })),
      };
      appendFileSync(logFile, `${JSON.stringify(record)}\n`);
      reply(200, 'ok\n');
    });
  });
}
