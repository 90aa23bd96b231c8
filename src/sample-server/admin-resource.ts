// The shape every loopback-only admin API of the reference server shares: GET shows the state,
// POST applies a validated change, DELETE resets; bad input is a 400 that says what is wrong.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-observability/instrument';
import { isLoopbackPeer } from './http-guards.js';
import { BodyTooLarge, readBody, sendJson } from './http-io.js';

export interface AdminResource<Change> {
  /** What the API administers, for the 403 message ("fault", "tool"). */
  subject: string;
  snapshot(): unknown;
  reset(): void;
  /** Parses a POST body: the change, or the message for a 400. */
  parse(body: string): { change: Change } | { error: string };
  apply(change: Change): void;
  /** Log messages and fields for a reset and an applied change. */
  resetLog: (snapshot: unknown) => [string, Record<string, unknown>];
  applyLog: (change: Change, snapshot: unknown) => [string, Record<string, unknown>];
}

export async function handleAdmin<Change>(req: IncomingMessage, res: ServerResponse, resource: AdminResource<Change>,
  logger: Logger): Promise<void> {
  if (!isLoopbackPeer(req)) {
    sendJson(res, 403, { error: `the ${resource.subject} admin API only answers loopback peers` });
    return;
  }
  switch (req.method) {
    case 'GET':
      sendJson(res, 200, resource.snapshot());
      return;
    case 'DELETE': {
      resource.reset();
      const snapshot = resource.snapshot();
      logger.notice(...resource.resetLog(snapshot));
      sendJson(res, 200, snapshot);
      return;
    }
    case 'POST': {
      let body: string;
      try {
        body = await readBody(req);
      } catch (err) {
        if (!(err instanceof BodyTooLarge)) throw err;
        sendJson(res, 413, { error: err.message });
        return;
      }
      const parsed = resource.parse(body);
      if ('error' in parsed) {
        sendJson(res, 400, { error: parsed.error });
        return;
      }
      resource.apply(parsed.change);
      const snapshot = resource.snapshot();
      logger.notice(...resource.applyLog(parsed.change, snapshot));
      sendJson(res, 200, snapshot);
      return;
    }
    default:
      res.setHeader('allow', 'GET, POST, DELETE');
      sendJson(res, 405, { error: `method ${req.method} not allowed; use GET, POST or DELETE` });
  }
}
