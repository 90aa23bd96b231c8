// Agent tasks: turns counted from tools/call `_meta` task ids, outcome from the task notification
// or the recordTask() API. Bounded: the oldest open task is forgotten past `capacity`.
import { LOG_EVENTS } from '@mcp-observability/catalog';
import { isTaskOutcome, type TaskOutcome } from './agent-convention.js';
import type { Recorder } from './events.js';
import type { Logger } from './logger.js';

export class TaskTracker {
  private readonly turns = new Map<string, number>();

  constructor(private readonly recorder: Recorder, private readonly logger: Logger, private readonly capacity = 10_000) {}

  turn(taskId: string): void {
    const n = (this.turns.get(taskId) ?? 0) + 1;
    this.turns.delete(taskId);
    this.turns.set(taskId, n);
    if (this.turns.size > this.capacity) this.turns.delete(this.turns.keys().next().value!);
  }

  /** Records a finished task; turns default to the tools/call seen for its id. */
  record(outcome: TaskOutcome, taskId?: string, turns?: number): void {
    const counted = taskId === undefined ? undefined : this.turns.get(taskId);
    if (taskId !== undefined) this.turns.delete(taskId);
    const n = turns ?? counted ?? 0;
    this.recorder.task(outcome, n);
    this.logger.info(LOG_EVENTS.agentTaskFinished, { task_id: taskId, outcome, turns: n });
  }

  /** Handles the task notification's params; malformed ones are logged and ignored. */
  finish(params: Record<string, unknown> | undefined, sessionId: string | undefined): void {
    const taskId = params?.taskId;
    const outcome = params?.outcome;
    const turns = params?.turns;
    if (typeof taskId !== 'string' || !isTaskOutcome(outcome) || (turns !== undefined && typeof turns !== 'number')) {
      this.logger.warning('malformed task notification ignored', { session_id: sessionId, params });
      return;
    }
    this.record(outcome, taskId, turns as number | undefined);
  }
}
