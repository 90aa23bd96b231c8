// Runs a simulation: optional unknown-tool burst, then N agent sessions at the given rate until
// the duration is over, the call budget is spent (calls already under way finish), or SIGINT; a progress line every few seconds, and the summary.
import { createTracing } from '@mcp-observability/instrument';
import { runAgent } from './agent.js';
import { AgentSpans } from './agent-spans.js';
import { classifyResult, classifyThrown } from './call-result.js';
import { connectClient, type AgentClient, type Endpoint, type ProtocolEra } from './client.js';
import { randomUnknownTool } from './hallucinations.js';
import type { ProtocolChoice, SimulatorOptions } from './options.js';
import { seededRandom, type Random } from './random.js';
import { SimulationStats } from './stats.js';

export const PROGRESS_EVERY_MS = 5_000;

/** The era of agent `id` (the burst is 0): a mix alternates, starting with the 2025 era. */
export const eraOf = (choice: ProtocolChoice, id: number): ProtocolEra => (choice !== 'mix' ? choice : id % 2 === 0 ? '2025' : '2026-07-28');

/** The hallucination drill: N calls with fresh random tool names on one session. */
async function unknownToolBurst(count: number, connect: (name: string) => Promise<AgentClient>, random: Random, stats: SimulationStats): Promise<void> {
  const client = await connect('simulated-agent-burst');
  stats.sessionsOpened++;
  try {
    for (let i = 0; i < count; i++) {
      stats.hallucinatedCalls++;
      try {
        stats.call(undefined, classifyResult(await client.callTool({ name: randomUnknownTool(random), arguments: {} })));
      } catch (err) {
        stats.call(undefined, classifyThrown(err));
      }
    }
  } finally {
    await client.close();
  }
}

export async function simulate(options: SimulatorOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SimulationStats> {
  const stats = new SimulationStats();
  const random = seededRandom(options.seed);
  // MCP_AUTH_TOKEN: the variable the server reads, so a token-protected sample server can be driven too.
  const endpoint: Endpoint = { url: options.url, command: options.command, token: process.env.MCP_AUTH_TOKEN || undefined };
  const connectAs = (id: number) => (name: string) => connectClient(eraOf(options.protocol, id), name, endpoint);
  const tracing = options.tracing ? createTracing(options.tracing, 'mcp-agent-simulator') : undefined;
  const spans = new AgentSpans(tracing?.tracer);
  const describeError = (err: unknown) => (err instanceof Error ? err.message : String(err));

  let deadline = Date.now() + options.durationSeconds * 1000;
  const stop = () => {
    log('simulate: interrupted, finishing the current calls');
    deadline = Date.now();
  };
  process.once('SIGINT', stop);
  const progress = setInterval(() => log(stats.progressLine(options.durationSeconds)), PROGRESS_EVERY_MS);
  try {
    if (options.unknownToolBurst > 0) {
      await unknownToolBurst(options.unknownToolBurst, connectAs(0), random, stats)
        .catch((err) => stats.sessionFailures.push(`burst: ${describeError(err)}`));
    }
    const intervalMs = (1000 * options.sessions) / options.rate;
    await Promise.all(Array.from({ length: options.sessions }, (_, i) => runAgent({
      id: i + 1,
      connect: connectAs(i + 1),
      intervalMs,
      deadline: () => (options.maxCalls !== undefined && stats.calls >= options.maxCalls ? 0 : deadline),
      hallucinationRate: options.hallucinationRate,
      invalidArgsRate: options.invalidArgsRate,
      // One stream per agent, derived from the run's seed, so agents do not move in lockstep.
      random: seededRandom(options.seed + 7919 * (i + 1)),
      stats,
      spans,
    }).catch((err) => stats.sessionFailures.push(`session ${i + 1}: ${describeError(err)}`))));
  } finally {
    clearInterval(progress);
    process.removeListener('SIGINT', stop);
    await tracing?.shutdown();
  }
  return stats;
}
