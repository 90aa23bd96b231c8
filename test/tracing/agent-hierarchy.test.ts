// The session → task → turn → tools/call hierarchy: the load simulator (--trace) makes the agent
// spans and sends the tools/call CLIENT span's traceparent in `_meta`; an instrumented server
// with tracing on continues it. Both run in this process with in-memory exporters.
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_ID_ATTRIBUTE, TASK_TURN_ATTRIBUTE } from '../../src/instrument/index.js';
import { parseSimulatorOptions } from '../../src/simulator/options.js';
import { simulate } from '../../src/simulator/run.js';
import type { SimulationStats } from '../../src/simulator/stats.js';
import { startHttpFixture } from '../instrument/fixtures/http-server.js';
import { SpanStore } from './span-store.js';

describe('agent trace hierarchy (simulator --trace → instrumented server)', () => {
  const serverSpans = new SpanStore();
  const agentSpans = new SpanStore();
  let spans: ReadableSpan[] = [];
  let stats: SimulationStats;

  beforeAll(async () => {
    const fx = await startHttpFixture({ log: { stream: devNull() }, tracing: { exporter: serverSpans } });
    const options = parseSimulatorOptions(['--url', fx.url.href, '--trace', '--sessions', '2', '--rate', '100',
      '--calls', '30', '--duration', '30', '--seed', '11', '--hallucination-rate', '0.1'])!;
    stats = await simulate({ ...options, tracing: { ...options.tracing, exporter: agentSpans } }, () => {});
    await fx.close();
    spans = [...serverSpans.getFinishedSpans(), ...agentSpans.getFinishedSpans()];
  });
  afterAll(() => {
    serverSpans.reset();
    agentSpans.reset();
  });

  const byId = () => new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const ancestry = (span: ReadableSpan): ReadableSpan[] => {
    const index = byId();
    const chain = [span];
    for (let p = span.parentSpanContext; p; p = chain.at(-1)!.parentSpanContext) {
      const parent = index.get(p.spanId);
      expect(parent, `parent ${p.spanId} of ${chain.at(-1)!.name} was exported`).toBeDefined();
      chain.push(parent!);
    }
    return chain;
  };

  it('gives every server tools/call span the chain tools/call (CLIENT) → agent.turn → agent.task → agent.session', () => {
    expect(stats.sessionFailures, stats.summary()).toEqual([]);
    const serverCalls = serverSpans.getFinishedSpans().filter((s) => s.attributes['mcp.method.name'] === 'tools/call');
    expect(serverCalls.length).toBe(stats.calls);
    for (const call of serverCalls) {
      const chain = ancestry(call);
      const asked = String(call.attributes['gen_ai.tool.name']);
      expect(chain.map((s) => s.name)).toEqual([call.name, `tools/call ${asked}`, 'agent.turn', 'agent.task', 'agent.session']);
      expect(chain.map((s) => s.kind)).toEqual([SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.INTERNAL, SpanKind.INTERNAL]);
      // One trace per session; the server continued it.
      expect(new Set(chain.map((s) => s.spanContext().traceId)).size).toBe(1);
      // The task convention in `_meta` and the agent's turn span agree.
      const [, , turn, task] = chain;
      expect(call.attributes[TASK_ID_ATTRIBUTE]).toBe(turn!.attributes[TASK_ID_ATTRIBUTE]);
      expect(call.attributes[TASK_TURN_ATTRIBUTE]).toBe(turn!.attributes[TASK_TURN_ATTRIBUTE]);
      expect(task!.attributes[TASK_ID_ATTRIBUTE]).toBe(call.attributes[TASK_ID_ATTRIBUTE]);
    }
  });

  it('records task outcomes on the task spans and fails the hallucinated calls on both sides', () => {
    const tasks = agentSpans.getFinishedSpans().filter((s) => s.name === 'agent.task');
    expect(tasks.length).toBe([...stats.tasks.values()].reduce((a, b) => a + b, 0));
    for (const t of tasks) expect(['success', 'failure', 'abandoned']).toContain(t.attributes['dev.mcp_observability.task.outcome']);
    const hallucinated = serverSpans.getFinishedSpans().filter((s) => s.name === 'tools/call _OTHER');
    expect(hallucinated.length).toBeGreaterThan(0);
    for (const call of hallucinated) {
      expect(call.attributes['error.type']).toBe('-32602');
      expect(ancestry(call)[1]!.attributes['error.type']).toBe('unknown_tool');
    }
  });
});

function devNull(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}
