// summarize: extractive summary (the highest-scoring sentences, in order) that reports token
// usage and cost as if an LLM had done the work, so the token and cost signals carry data.
import { z } from 'zod';
import { defineTool, text } from './tool.js';

/** Priced like a small hosted model, per token. */
export const SUMMARY_MODEL = { name: 'sample-summarizer-1', inputUsdPerToken: 0.15e-6, outputUsdPerToken: 0.6e-6 };
/** The usual rule of thumb for English text: about four characters per token. */
export const estimateTokens = (s: string): number => Math.ceil(s.length / 4);

export const summarize = defineTool({
  name: 'summarize',
  title: 'Summarize text',
  description: 'Summarize a text into its most important sentences.',
  inputSchema: {
    text: z.string().min(1).max(100_000).describe('The text to summarize'),
    maxSentences: z.number().int().min(1).max(10).default(2).describe('Sentences to keep'),
  },
  run({ text: input, maxSentences }, context, call) {
    const sentences = input.match(/[^.!?]+[.!?]*/g)?.map((s) => s.trim()).filter(Boolean) ?? [input];
    const frequency = new Map<string, number>();
    for (const w of input.toLowerCase().match(/[a-z]{4,}/g) ?? []) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    const score = (s: string) => (s.toLowerCase().match(/[a-z]{4,}/g) ?? []).reduce((sum, w) => sum + (frequency.get(w) ?? 0), 0);
    const keep = new Set(sentences.map((s, i) => ({ i, score: score(s) })).sort((a, b) => b.score - a.score)
      .slice(0, maxSentences).map((r) => r.i));
    const summary = sentences.filter((_, i) => keep.has(i)).join(' ');
    const inputTokens = estimateTokens(input);
    const outputTokens = estimateTokens(summary);
    const costUsd = inputTokens * SUMMARY_MODEL.inputUsdPerToken + outputTokens * SUMMARY_MODEL.outputUsdPerToken;
    context.reportTokens({ inputTokens, outputTokens, costUsd }, call);
    return { ...text(summary), structuredContent: { summary, usage: { model: SUMMARY_MODEL.name, inputTokens, outputTokens, costUsd } } };
  },
});
