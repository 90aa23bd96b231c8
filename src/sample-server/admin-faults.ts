// The loopback-only fault-injection API: GET (current faults), POST (merge), DELETE (clear all).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../instrument/index.js';
import type { FaultState } from './faults/fault-state.js';
import { FaultSpecError, parseFaultJson } from './faults/fault-spec.js';
import { isLoopbackPeer } from './http-guards.js';
import { BodyTooLarge, readBody, sendJson } from './http-io.js';
import { SAMPLE_TOOL_NAMES } from './tools/index.js';

export async function handleAdminFaults(req: IncomingMessage, res: ServerResponse, faults: FaultState, logger: Logger): Promise<void> {
  if (!isLoopbackPeer(req)) {
    sendJson(res, 403, { error: 'the fault admin API only answers loopback peers' });
    return;
  }
  switch (req.method) {
    case 'GET':
      sendJson(res, 200, faults.snapshot());
      return;
    case 'DELETE':
      faults.clear();
      logger.notice('faults cleared', { faults: faults.snapshot() });
      sendJson(res, 200, faults.snapshot());
      return;
    case 'POST': {
      try {
        const specs = parseFaultJson(await readBody(req), 'request body', SAMPLE_TOOL_NAMES);
        faults.apply(specs);
        logger.notice('faults applied', { specs, faults: faults.snapshot() });
        sendJson(res, 200, faults.snapshot());
      } catch (err) {
        if (!(err instanceof FaultSpecError || err instanceof BodyTooLarge)) throw err;
        sendJson(res, err instanceof BodyTooLarge ? 413 : 400, { error: err.message });
      }
      return;
    }
    default:
      res.setHeader('allow', 'GET, POST, DELETE');
      sendJson(res, 405, { error: `method ${req.method} not allowed; use GET, POST or DELETE` });
  }
}
