// query_db: run the tiny query language against the in-memory tables.
import { z } from 'zod';
import { TABLES } from './orders-table.js';
import { parseQuery, runQuery } from './query-language.js';
import { defineTool, text, toolError } from './tool.js';

export const queryDb = defineTool({
  name: 'query_db',
  title: 'Query the orders database',
  description: 'Query tables orders(id, customer, region, status, total) and customers(id, name, region, tier). '
    + 'Syntax: <table> [where <field> <op> <value> (and ...)] [limit <n>], op one of = != < <= > >=. '
    + 'Example: orders where status = shipped and total > 100 limit 5',
  inputSchema: { query: z.string().min(1).describe('The query, e.g. "orders where region = eu limit 3"') },
  run({ query }) {
    let rows;
    try {
      rows = runQuery(parseQuery(query), TABLES);
    } catch (err) {
      return toolError(`query_db: ${(err as Error).message}`);
    }
    return { ...text(`${rows.length} row(s)\n${rows.map((r) => JSON.stringify(r)).join('\n')}`), structuredContent: { rows } };
  },
});
