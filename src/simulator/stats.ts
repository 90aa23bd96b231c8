// What a simulator run did, as the agents saw it: calls by tool, results by kind, tasks by outcome.
export type CallResultKind = 'ok' | 'tool_error' | 'unknown_tool' | 'invalid_args' | 'protocol_error' | 'transport_error';
export type TaskOutcome = 'success' | 'failure' | 'abandoned';

/** Label under which calls to invented tool names are counted. */
export const UNKNOWN_TOOL_LABEL = '(unknown tool)';

export class SimulationStats {
  readonly startedAt = Date.now();
  readonly callsByTool = new Map<string, number>();
  readonly results = new Map<CallResultKind, number>();
  readonly tasks = new Map<TaskOutcome, number>();
  hallucinatedCalls = 0;
  invalidArgCalls = 0;
  retries = 0;
  sessionsOpened = 0;
  resourceReads = 0;
  resourceErrors = 0;
  promptGets = 0;
  promptErrors = 0;
  sessionFailures: string[] = [];

  get calls(): number {
    return [...this.callsByTool.values()].reduce((a, b) => a + b, 0);
  }

  get errors(): number {
    return this.calls - (this.results.get('ok') ?? 0);
  }

  call(tool: string | undefined, result: CallResultKind): void {
    const label = tool ?? UNKNOWN_TOOL_LABEL;
    this.callsByTool.set(label, (this.callsByTool.get(label) ?? 0) + 1);
    this.results.set(result, (this.results.get(result) ?? 0) + 1);
  }

  task(outcome: TaskOutcome): void {
    this.tasks.set(outcome, (this.tasks.get(outcome) ?? 0) + 1);
  }

  progressLine(durationSeconds: number): string {
    const elapsed = Math.round((Date.now() - this.startedAt) / 1000);
    return `simulate: ${elapsed}s/${durationSeconds}s sessions=${this.sessionsOpened} calls=${this.calls} errors=${this.errors} `
      + `hallucinated=${this.hallucinatedCalls} invalid_args=${this.invalidArgCalls} retries=${this.retries} tasks=${this.formatTasks()}`;
  }

  private formatTasks(): string {
    return (['success', 'failure', 'abandoned'] as const).map((o) => `${o}:${this.tasks.get(o) ?? 0}`).join(',');
  }

  summary(): string {
    const calls = this.calls;
    const pct = (n: number) => (calls === 0 ? '0.0' : ((100 * n) / calls).toFixed(1));
    const byTool = [...this.callsByTool].sort((a, b) => b[1] - a[1]);
    const width = Math.max(...byTool.map(([t]) => t.length), 4);
    return [
      `Simulation summary (${((Date.now() - this.startedAt) / 1000).toFixed(1)} s, ${this.sessionsOpened} session(s))`,
      `  calls: ${calls}, errors: ${this.errors} (${pct(this.errors)} %), retries: ${this.retries}`,
      `  hallucinated tool names sent: ${this.hallucinatedCalls} (${pct(this.hallucinatedCalls)} %), invalid arguments sent: ${this.invalidArgCalls} (${pct(this.invalidArgCalls)} %)`,
      '  calls by tool:',
      ...byTool.map(([tool, n]) => `    ${tool.padEnd(width)}  ${String(n).padStart(6)}  ${pct(n).padStart(5)} %`),
      '  results:',
      ...[...this.results].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `    ${kind.padEnd(width)}  ${String(n).padStart(6)}`),
      `  resource reads: ${this.resourceReads} (${this.resourceErrors} failed), prompt gets: ${this.promptGets} (${this.promptErrors} failed)`,
      `  tasks: ${this.formatTasks()}`,
      ...this.sessionFailures.map((f) => `  session failed: ${f}`),
    ].join('\n');
  }
}
