// The load simulator: explicit skew, loopback-only, and a short bounded run whose skew and
// hallucination share show up in the server's own metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulatorOptions, UsageError } from '../../src/simulator/options.js';
import { seededRandom } from '../../src/simulator/random.js';
import { simulate } from '../../src/simulator/run.js';
import { HOT_SHARE, skewedMix } from '../../src/simulator/tool-mix.js';
import { SAMPLE_TOOL_NAMES } from '../../src/sample-server/tools/index.js';
import { samples, scrape, startServer, sumOf, type RunningServer } from './harness.js';

describe('tool mix', () => {
  it.each([[5, 1], [10, 2], [20, 4]])('gives the first 20 %% of %i tools (%i) 80 %% of the picks', (n, hotCount) => {
    const tools = Array.from({ length: n }, (_, i) => `tool_${i}`);
    const mix = skewedMix(tools);
    expect(mix.hot).toEqual(tools.slice(0, hotCount));
    const random = seededRandom(42);
    let hot = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) if (mix.hot.includes(mix.pick(random))) hot++;
    expect(Math.abs(hot / draws - HOT_SHARE)).toBeLessThan(0.015);
  });
});

describe('simulator options', () => {
  it('refuses non-loopback URLs with a clear error', () => {
    expect(() => parseSimulatorOptions(['--url', 'http://10.1.2.3:3100/mcp'])).toThrow(UsageError);
    expect(() => parseSimulatorOptions(['--url', 'https://mcp.example.com/mcp']))
      .toThrow('--url: the simulator only targets loopback hosts (127.0.0.1, localhost, [::1]); got mcp.example.com');
  });
  it('names the flag on out-of-range values', () => {
    expect(() => parseSimulatorOptions(['--hallucination-rate', '0.9'])).toThrow('--hallucination-rate: expected a number from 0 to 0.5, got "0.9"');
  });
});

describe('a bounded simulator run against the server', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => server.stop());

  it('produces the skew and hallucination share in the server metrics', async () => {
    const burst = 20;
    // A call budget, not a time window, bounds the run: the counts below must not depend on how
    // busy the machine is. The duration is only a safety cap.
    const budget = 300;
    const stats = await simulate({
      url: new URL(`${server.base}/mcp`), command: undefined, protocol: '2025', durationSeconds: 60, maxCalls: budget, sessions: 3, rate: 200,
      hallucinationRate: 0.1, invalidArgsRate: 0.05, unknownToolBurst: burst, seed: 7,
    }, () => {});
    const summary = stats.summary(); // shown when an assertion fails
    expect(stats.sessionFailures, summary).toEqual([]);
    const text = await scrape(server.base);

    // The server saw exactly what the agents sent.
    expect(sumOf(text, 'mcp_tool_invocations_total')).toBe(stats.calls);
    expect(sumOf(text, 'mcp_tool_hallucinations_total', { kind: 'unknown_tool' })).toBe(stats.hallucinatedCalls);
    expect(sumOf(text, 'mcp_tool_hallucinations_total', { kind: 'invalid_params' })).toBe(stats.invalidArgCalls);
    expect(sumOf(text, 'mcp_agent_tasks_total')).toBe([...stats.tasks.values()].reduce((a, b) => a + b, 0));
    // Each task read a resource and got a prompt; the server counted the same reads and failures.
    expect(stats.resourceReads, summary).toBeGreaterThan(0);
    expect(sumOf(text, 'mcp_resource_reads_total')).toBe(stats.resourceReads);
    expect(sumOf(text, 'mcp_resource_reads_total', { status: 'not_found' })).toBe(stats.resourceErrors);
    expect(sumOf(text, 'mcp_prompt_gets_total')).toBe(stats.promptGets);
    expect(sumOf(text, 'mcp_prompt_gets_total', { status: 'error' })).toBe(stats.promptErrors);
    // The agents' retries after failures show as self-corrections of the failed tools.
    expect(sumOf(text, 'mcp_tool_self_corrections_total'), summary).toBeGreaterThan(0);
    expect(stats.calls, summary).toBeGreaterThanOrEqual(budget);
    expect(stats.calls, summary).toBeLessThan(budget + 20); // only calls already under way finish

    // Skew: the hot tool (search_docs, listed first) takes about 80 % of the calls to real tools.
    const known = samples(text, 'mcp_tool_invocations_total').filter((s) => SAMPLE_TOOL_NAMES.includes(s.labels.tool!));
    const knownCalls = known.reduce((a, s) => a + s.value, 0);
    const hotShare = sumOf(text, 'mcp_tool_invocations_total', { tool: 'search_docs' }) / knownCalls;
    expect(hotShare, summary).toBeGreaterThan(0.7);
    expect(hotShare, summary).toBeLessThan(0.9);

    // Hallucination share (without the burst): unknown names plus invalid arguments ≈ 15 % of first attempts.
    const flawed = stats.hallucinatedCalls - burst + stats.invalidArgCalls;
    const share = flawed / (stats.calls - burst);
    expect(share, summary).toBeGreaterThan(0.08);
    expect(share, summary).toBeLessThan(0.22);
  });
});
