// The skewed tool mix agents draw from: the "hot" first HOT_FRACTION of the tools (in the order
// the server lists them, at least one) take HOT_SHARE of the calls; the rest share what is left
// evenly. Real agents lean on a few tools the same way (Pareto: ~20 % of tools, ~80 % of calls).
import type { Random } from './random.js';

export const HOT_FRACTION = 0.2;
export const HOT_SHARE = 0.8;

export interface ToolMix {
  /** Probability of each tool, in the server's order. */
  weights: ReadonlyMap<string, number>;
  hot: readonly string[];
  pick(random: Random): string;
}

export function skewedMix(tools: readonly string[]): ToolMix {
  if (tools.length === 0) throw new Error('the server lists no tools; nothing to call');
  const hotCount = Math.max(1, Math.round(tools.length * HOT_FRACTION));
  const hot = tools.slice(0, hotCount);
  const coldCount = tools.length - hotCount;
  // With only hot tools there is nothing to share the remainder with.
  const hotShare = coldCount === 0 ? 1 : HOT_SHARE;
  const weights = new Map(tools.map((t, i) => [t, i < hotCount ? hotShare / hotCount : (1 - hotShare) / coldCount]));
  const cumulative = [...weights.values()].reduce<number[]>((acc, w) => [...acc, (acc.at(-1) ?? 0) + w], []);
  return {
    weights,
    hot,
    pick(random) {
      const r = random() * cumulative.at(-1)!;
      return tools[cumulative.findIndex((c) => r < c)] ?? tools.at(-1)!;
    },
  };
}
