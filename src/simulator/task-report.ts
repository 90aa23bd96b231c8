// Task reporting with the instrumentation library's MCP-level convention: a _meta entry on each
// tools/call naming the task and turn, and a notification when the task ends.
import type { AgentClient } from './client.js';
import { TASK_META_KEY, TASK_NOTIFICATION_METHOD, type TaskNotificationParams } from '@mcp-observability/instrument';

export const taskMeta = (taskId: string, turn: number) => ({ [TASK_META_KEY]: { id: taskId, turn } });

export async function reportTask(client: AgentClient, params: TaskNotificationParams): Promise<void> {
  await client.notification({ method: TASK_NOTIFICATION_METHOD, params: { ...params } });
}
