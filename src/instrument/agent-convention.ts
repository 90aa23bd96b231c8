// The MCP-level convention for agentic signals, shared by the library (server side) and any
// client that wants its tasks measured (the load simulator uses it):
//  - tools/call carries `params._meta[TASK_META_KEY] = { id, turn? }`: which agent task the call
//    belongs to and which turn of that task it is;
//  - when the task ends the client sends the notification TASK_NOTIFICATION_METHOD with
//    `{ taskId, outcome, turns? }` (turns defaults to the number of tools/call seen for taskId).
// Custom notifications are ignored by the SDK's Protocol when no handler is set, so servers that
// do not use this library are unaffected.

export const TASK_META_KEY = 'dev.mcp-observability/task';
export const TASK_NOTIFICATION_METHOD = 'notifications/dev.mcp-observability/task';

export const TASK_OUTCOMES = ['success', 'failure', 'abandoned'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

export interface TaskMeta {
  id: string;
  turn?: number;
}

export interface TaskNotificationParams {
  taskId: string;
  outcome: TaskOutcome;
  turns?: number;
}

export function readTaskMeta(meta: unknown): TaskMeta | undefined {
  const v = (meta as Record<string, unknown> | undefined)?.[TASK_META_KEY] as Partial<TaskMeta> | undefined;
  if (!v || typeof v.id !== 'string' || v.id === '') return undefined;
  return { id: v.id.slice(0, 128), turn: typeof v.turn === 'number' ? v.turn : undefined };
}

export function isTaskOutcome(v: unknown): v is TaskOutcome {
  return typeof v === 'string' && (TASK_OUTCOMES as readonly string[]).includes(v);
}
