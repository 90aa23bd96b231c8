// search_docs: rank the bundled corpus by query-term overlap (title hits weigh double).
import { z } from 'zod';
import { DOCS } from './docs-corpus.js';
import { defineTool, text } from './tool.js';

const terms = (s: string): string[] => s.toLowerCase().match(/[a-z0-9-]+/g) ?? [];

export const searchDocs = defineTool({
  name: 'search_docs',
  title: 'Search documentation',
  description: 'Search the product documentation and return the best matching sections.',
  inputSchema: {
    query: z.string().min(1).describe('Words to search for'),
    limit: z.number().int().min(1).max(10).default(3).describe('Maximum number of results'),
  },
  run({ query, limit }) {
    const wanted = new Set(terms(query));
    const ranked = DOCS.map((doc) => {
      const titleHits = terms(doc.title).filter((t) => wanted.has(t)).length;
      const bodyHits = terms(doc.body).filter((t) => wanted.has(t)).length;
      return { doc, score: 2 * titleHits + bodyHits };
    }).filter((r) => r.score > 0).sort((a, b) => b.score - a.score || a.doc.id.localeCompare(b.doc.id)).slice(0, limit);
    if (ranked.length === 0) return text(`No documentation matches "${query}".`);
    return {
      ...text(ranked.map((r) => `## ${r.doc.title} (score ${r.score})\n${r.doc.body}`).join('\n\n')),
      structuredContent: { results: ranked.map((r) => ({ id: r.doc.id, title: r.doc.title, score: r.score })) },
    };
  },
});
