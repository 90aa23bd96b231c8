// One simulated agent session: connect (initialize, or server/discover for a 2026-07-28 client),
// list tools (and resources and prompts), then run multi-turn tasks until the deadline, each after
// reading a resource and getting a prompt. Each turn calls a tool from the skewed mix; some turns
// invent a tool name or send broken arguments. Failed calls are retried (bounded, with exponential
// backoff) after the agent "self-corrects"; a task fails when its retries run out. Task outcome
// and turns are reported with the instrumentation library's MCP-level convention.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { SpanKind } from '@opentelemetry/api';
import { TASK_ID_ATTRIBUTE, TASK_TURN_ATTRIBUTE } from '@mcp-observability/instrument';
import type { AgentSpans, TraceScope } from './agent-spans.js';
import { invalidArguments, validArguments } from './arguments.js';
import { classifyResult, classifyThrown } from './call-result.js';
import type { AgentClient } from './client.js';
import { discoverContext, readContext } from './context.js';
import { plausibleUnknownTool } from './hallucinations.js';
import { between, type Random } from './random.js';
import type { CallResultKind, SimulationStats, TaskOutcome } from './stats.js';
import { reportTask, taskMeta } from './task-report.js';
import { skewedMix } from './tool-mix.js';

export const MAX_RETRIES = 2;
export const BACKOFF_BASE_MS = 100;
/** Share of turns at which the agent gives up on its task (the user moved on). */
export const ABANDON_RATE = 0.03;
export const MAX_TURNS_PER_TASK = 5;

export interface AgentPlan {
  id: number;
  /** Opens this agent's client (its era is the plan's); named for the agent. */
  connect: (name: string) => Promise<AgentClient>;
  /** Milliseconds between this agent's calls (the run's rate split across sessions). */
  intervalMs: number;
  deadline: () => number;
  hallucinationRate: number;
  invalidArgsRate: number;
  random: Random;
  stats: SimulationStats;
  /** Session → task → turn → tools/call spans, and the traceparent sent in each call's `_meta`. */
  spans: AgentSpans;
}

/** What is wrong with a call on purpose. */
type Flaw = 'hallucinated' | 'invalid_args' | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hands out call slots at a fixed interval; returns false once the deadline has passed. */
function pacer(intervalMs: number, deadline: () => number): () => Promise<boolean> {
  let next = Date.now();
  return async () => {
    const wait = next - Date.now();
    if (wait > 0) await sleep(Math.min(wait, Math.max(0, deadline() - Date.now())));
    // No catch-up burst after slow calls: the next slot counts from now at the earliest.
    next = Math.max(next, Date.now()) + intervalMs;
    return Date.now() < deadline();
  };
}

export async function runAgent(plan: AgentPlan): Promise<void> {
  await plan.spans.within('agent.session', undefined, { 'dev.mcp_observability.agent.id': plan.id },
    (session) => runSession(plan, session.scope));
}

async function runSession(plan: AgentPlan, sessionScope: TraceScope): Promise<void> {
  const { stats, random, spans } = plan;
  const client = await plan.connect(`simulated-agent-${plan.id}`);
  stats.sessionsOpened++;
  try {
    const tools = await client.listTools();
    const context = await discoverContext(client.context);
    const byName = new Map(tools.map((t) => [t.name, t]));
    const mix = skewedMix(tools.map((t) => t.name));
    const nextSlot = pacer(plan.intervalMs, plan.deadline);

    // A tools/call CLIENT span (OpenTelemetry MCP conventions) inside the turn's span.
    const call = (name: string, args: Record<string, unknown>, flaw: Flaw, taskId: string, turn: number, parent: TraceScope) =>
      spans.within(`tools/call ${name}`, parent, {
        'mcp.method.name': 'tools/call', 'gen_ai.tool.name': name, 'gen_ai.operation.name': 'execute_tool',
        ...(client.sessionId ? { 'mcp.session.id': client.sessionId } : {}),
      }, async (span): Promise<CallResultKind> => {
        const known = byName.has(name);
        if (flaw === 'hallucinated') stats.hallucinatedCalls++;
        if (flaw === 'invalid_args') stats.invalidArgCalls++;
        let kind: CallResultKind;
        try {
          const _meta = { ...taskMeta(taskId, turn), ...spans.meta(span.scope) };
          kind = classifyResult(await client.callTool({ name, arguments: args, _meta }));
        } catch (err) {
          kind = classifyThrown(err);
        }
        if (kind !== 'ok') span.fail(kind);
        stats.call(known ? name : undefined, kind);
        return kind;
      }, SpanKind.CLIENT);

    // One turn = one call attempt: the agent decided, called a tool and read the result.
    const turnSpan = (taskId: string, turn: number, parent: TraceScope, fn: (scope: TraceScope) => Promise<CallResultKind>) =>
      spans.within('agent.turn', parent, { [TASK_ID_ATTRIBUTE]: taskId, [TASK_TURN_ATTRIBUTE]: turn }, (span) => fn(span.scope));

    async function runTask(taskId: string, taskScope: TraceScope): Promise<{ outcome: TaskOutcome; turns: number }> {
      let turns = 0;
      const planned = between(1, MAX_TURNS_PER_TASK, random);
      for (let step = 0; step < planned; step++) {
        if (random() < ABANDON_RATE) return { outcome: 'abandoned', turns };
        const intended: Tool = byName.get(mix.pick(random))!;
        const roll = random();
        let name = intended.name;
        let args = validArguments(intended, random);
        let flaw: Flaw;
        if (roll < plan.hallucinationRate) {
          name = plausibleUnknownTool(new Set(byName.keys()), random);
          flaw = 'hallucinated';
        } else if (roll < plan.hallucinationRate + plan.invalidArgsRate) {
          args = invalidArguments(intended, random);
          flaw = 'invalid_args';
        }
        for (let attempt = 0; ; attempt++) {
          if (!(await nextSlot())) return { outcome: 'abandoned', turns };
          turns++;
          const kind = await turnSpan(taskId, turns, taskScope, (scope) => call(name, args, flaw, taskId, turns, scope));
          if (kind === 'ok') break;
          if (kind === 'transport_error' || attempt === MAX_RETRIES) return { outcome: 'failure', turns };
          stats.retries++;
          await sleep(BACKOFF_BASE_MS * 2 ** attempt);
          // Self-correction: the error text names the problem, so the retry uses the real tool and valid arguments.
          name = intended.name;
          args = validArguments(intended, random);
          flaw = undefined;
        }
      }
      return { outcome: 'success', turns };
    }

    for (let n = 1; Date.now() < plan.deadline(); n++) {
      const taskId = `sim-${process.pid}-${plan.id}-${n}`;
      await spans.within('agent.task', sessionScope, { [TASK_ID_ATTRIBUTE]: taskId }, async (task) => {
        await readContext(client.context, context, random, stats);
        const { outcome, turns } = await runTask(taskId, task.scope);
        task.annotate({ 'dev.mcp_observability.task.outcome': outcome, 'dev.mcp_observability.task.turns': turns });
        if (outcome === 'failure') task.fail('task_failure');
        stats.task(outcome);
        await reportTask(client, { taskId, outcome, turns });
      });
    }
  } finally {
    await client.close();
  }
}
