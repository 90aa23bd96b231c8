// The loopback-only tool-definition admin API, shaped like /admin/faults: GET (overrides in force),
// POST {"tool", "description"} (override a shipped tool's description, or add a tool), DELETE (restore).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../instrument/index.js';
import { isLoopbackPeer } from './http-guards.js';
import { BodyTooLarge, readBody, sendJson } from './http-io.js';
import type { ToolDefinitions } from './tool-definitions.js';

const change = z.strictObject({
  tool: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a tool name of 1-64 letters, digits, _ . or -'),
  description: z.string().min(1).max(4096),
});

export async function handleAdminTools(req: IncomingMessage, res: ServerResponse, tools: ToolDefinitions, logger: Logger): Promise<void> {
  if (!isLoopbackPeer(req)) {
    sendJson(res, 403, { error: 'the tool admin API only answers loopback peers' });
    return;
  }
  switch (req.method) {
    case 'GET':
      sendJson(res, 200, tools.snapshot());
      return;
    case 'DELETE':
      tools.reset();
      logger.notice('tool definitions restored', {});
      sendJson(res, 200, tools.snapshot());
      return;
    case 'POST': {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        sendJson(res, err instanceof BodyTooLarge ? 413 : 400, { error: `request body: ${(err as Error).message}` });
        return;
      }
      const parsed = change.safeParse(body);
      if (!parsed.success) {
        sendJson(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
        return;
      }
      tools.set(parsed.data.tool, parsed.data.description);
      logger.notice('tool definition changed through the admin API', { tool: parsed.data.tool });
      sendJson(res, 200, tools.snapshot());
      return;
    }
    default:
      res.setHeader('allow', 'GET, POST, DELETE');
      sendJson(res, 405, { error: `method ${req.method} not allowed; use GET, POST or DELETE` });
  }
}
