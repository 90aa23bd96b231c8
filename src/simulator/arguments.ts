// Arguments agents send. The reference server's tools get realistic pools, and now and then an
// argument that fails inside the tool (an unknown URL, a bad query) — rarely enough that normal
// load stays inside the default 99.5 % availability SLO, so only injected faults burn the budget.
// Any other tool gets values derived from its JSON input schema. invalidArguments() breaks a valid
// call the way a confused model does.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { pickOne, type Random } from './random.js';

type Args = Record<string, unknown>;

const POOLS: Record<string, readonly Args[]> = {
  search_docs: [
    { query: 'streamable http sessions' }, { query: 'error codes', limit: 2 }, { query: 'alert on latency' },
    { query: 'dns rebinding host header' }, { query: 'heap limit event loop' }, { query: 'quantum entanglement' },
  ],
  query_db: [
    { query: 'orders where status = shipped limit 5' }, { query: 'orders where region = eu and total > 200' },
    { query: 'customers where tier = gold' }, { query: 'orders limit 3' },
  ],
  fetch_url: [
    { url: 'https://docs.example.test/' }, { url: 'https://docs.example.test/changelog' },
    { url: 'https://status.example.test/api/v1/status' }, { url: 'https://blog.example.test/observability' },
  ],
  summarize: [
    { text: 'Latency rose after the deploy. Error rates stayed flat. The heap grew steadily until the nightly restart. '
      + 'Operators should watch the heap limit and the event loop lag.' },
    { text: 'The agent called search_docs four times. It then summarized the results. Most calls were fast. One call timed out.',
      maxSentences: 1 },
  ],
  create_ticket: [
    { title: 'Search results are stale', severity: 'medium' },
    { title: 'Dashboard shows no data', severity: 'high', body: 'Since 09:00 the latency panel is empty.' },
    { title: 'Typo in docs', severity: 'low' },
  ],
};

/** Arguments the tool itself rejects (a server-side tool error, not a schema violation). */
const FAILING: Record<string, readonly Args[]> = {
  query_db: [{ query: 'invoices where paid = true' }],
  fetch_url: [{ url: 'https://docs.example.test/missing-page' }],
};
/** Share of calls that send a FAILING argument: a tenth of the default error budget (0.5 %). */
export const IN_TOOL_FAILURE_RATE = 0.0005;

interface JsonSchemaProperty { type?: string; enum?: unknown[]; minimum?: number; default?: unknown }

function fromSchema(tool: Tool): Args {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchemaProperty>;
  const args: Args = {};
  for (const name of tool.inputSchema.required ?? []) {
    const p = props[name] ?? {};
    args[name] = p.default ?? p.enum?.[0] ?? (p.type === 'number' || p.type === 'integer' ? (p.minimum ?? 1)
      : p.type === 'boolean' ? true : p.type === 'array' ? [] : p.type === 'object' ? {} : 'example');
  }
  return args;
}

export function validArguments(tool: Tool, random: Random): Args {
  const failing = FAILING[tool.name];
  const pool = failing && random() < IN_TOOL_FAILURE_RATE ? failing : POOLS[tool.name];
  return pool ? { ...pickOne(pool, random) } : fromSchema(tool);
}

/** Drops a required argument, or gives the first argument the wrong type when none is required. */
export function invalidArguments(tool: Tool, random: Random): Args {
  const args = validArguments(tool, random);
  const required = tool.inputSchema.required ?? [];
  if (required.length > 0) {
    delete args[pickOne(required, random)];
    return args;
  }
  const first = Object.keys(tool.inputSchema.properties ?? {})[0];
  return first === undefined ? args : { ...args, [first]: { unexpected: 'object' } };
}
