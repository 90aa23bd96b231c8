// The reference server's resources (a static index and a templated page per document) and
// prompts. Resource handlers pass a fault gate, so resource errors can be drilled like tool errors.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { DOCS } from './tools/docs-corpus.js';

/** Registered resource names, the `resource` a fault spec may target. */
export const SAMPLE_RESOURCE_NAMES = ['docs-index', 'docs-page'] as const;
export const DOCS_INDEX_URI = 'docs://index';
export const DOCS_PAGE_TEMPLATE = 'docs://pages/{id}';
const RESOURCE_NOT_FOUND = -32002;
export const SAMPLE_PROMPT_NAMES = ['triage_ticket', 'explain_doc'] as const;

/** The key of a resource's faults in the fault state (tools use their bare name). */
export const resourceGateKey = (name: string): string => `resource:${name}`;

/** `gate` runs before each read (fault injection), with the resource's registered name. */
export function registerContent(server: McpServer, gate: (resource: string) => Promise<void>): void {
  server.registerResource('docs-index', DOCS_INDEX_URI, { title: 'Documentation index', mimeType: 'text/plain' }, async (uri) => {
    await gate('docs-index');
    return { contents: [{ uri: uri.href, text: DOCS.map((d) => `docs://pages/${d.id}\t${d.title}`).join('\n') }] };
  });
  const pages = new ResourceTemplate(DOCS_PAGE_TEMPLATE, {
    list: () => ({ resources: DOCS.map((d) => ({ uri: `docs://pages/${d.id}`, name: d.title })) }),
  });
  server.registerResource('docs-page', pages, { title: 'Documentation page', mimeType: 'text/markdown' }, async (uri, { id }) => {
    await gate('docs-page');
    const doc = DOCS.find((d) => d.id === id);
    // -32002 is the spec's resource-not-found code.
    if (!doc) throw new McpError(RESOURCE_NOT_FOUND, `no documentation page ${String(id)}`);
    return { contents: [{ uri: uri.href, text: `# ${doc.title}\n\n${doc.body}` }] };
  });
  server.registerPrompt('triage_ticket', { title: 'Triage a ticket', argsSchema: { ticket: z.string() } }, ({ ticket }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Classify the severity (low, medium, high) of this ticket and say why:\n\n${ticket}` } }],
  }));
  server.registerPrompt('explain_doc', { title: 'Explain a documentation page', argsSchema: { id: z.string() } }, ({ id }) => {
    const doc = DOCS.find((d) => d.id === id);
    if (!doc) throw new Error(`no documentation page ${id}`);
    return { messages: [{ role: 'user', content: { type: 'text', text: `Explain this page to a new user:\n\n${doc.body}` } }] };
  });
}
