// The loopback-only tool-definition admin API, shaped like /admin/faults: GET (overrides in force),
// POST {"tool", "description"} (override a shipped tool's description, or add a tool), DELETE (restore).
import { z } from 'zod';
import type { AdminResource } from './admin-resource.js';
import type { ToolDefinitions } from './tool-definitions.js';

const change = z.strictObject({
  tool: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a tool name of 1-64 letters, digits, _ . or -'),
  description: z.string().min(1).max(4096),
});

type Change = z.output<typeof change>;

export function toolsResource(tools: ToolDefinitions): AdminResource<Change> {
  return {
    subject: 'tool',
    snapshot: () => tools.snapshot(),
    reset: () => tools.reset(),
    parse(body) {
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (err) {
        return { error: `request body: ${(err as Error).message}` };
      }
      const parsed = change.safeParse(value);
      return parsed.success ? { change: parsed.data }
        : { error: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
    },
    apply: ({ tool, description }) => tools.set(tool, description),
    resetLog: () => ['tool definitions restored', {}],
    applyLog: ({ tool }) => ['tool definition changed through the admin API', { tool }],
  };
}
