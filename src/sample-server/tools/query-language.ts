// A tiny query language over in-memory tables:
//   <table> [where <field> <op> <value> (and <field> <op> <value>)*] [limit <n>]
// with op one of = != < <= > >=. Errors name what is wrong so an agent can fix its query.
import type { Row } from './orders-table.js';

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
interface Condition { field: string; op: Op; value: string | number }
export interface Query { table: string; where: Condition[]; limit: number }

const CONDITION = /^([a-z_]+)\s*(!=|<=|>=|=|<|>)\s*(\S+)$/i;
export const MAX_LIMIT = 50;

export function parseQuery(source: string): Query {
  const match = /^\s*([a-z_]+)(?:\s+where\s+(.+?))?(?:\s+limit\s+(\d+))?\s*$/i.exec(source);
  if (!match) throw new Error(`cannot parse "${source}"; expected: <table> [where <field> <op> <value> (and ...)] [limit <n>]`);
  const [, table, whereText, limitText] = match;
  const where = whereText === undefined ? [] : whereText.split(/\s+and\s+/i).map((part) => {
    const c = CONDITION.exec(part.trim());
    if (!c) throw new Error(`bad condition "${part.trim()}"; expected <field> <op> <value> with op one of = != < <= > >=`);
    const raw = c[3]!.replace(/^'(.*)'$/, '$1');
    return { field: c[1]!, op: c[2] as Op, value: /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw };
  });
  const limit = limitText === undefined ? 10 : Number(limitText);
  if (limit < 1 || limit > MAX_LIMIT) throw new Error(`limit must be between 1 and ${MAX_LIMIT}`);
  return { table: table!.toLowerCase(), where, limit };
}

function holds(row: Row, c: Condition): boolean {
  const v = row[c.field]!;
  switch (c.op) {
    case '=': return v === c.value;
    case '!=': return v !== c.value;
    case '<': return v < c.value;
    case '<=': return v <= c.value;
    case '>': return v > c.value;
    case '>=': return v >= c.value;
  }
}

export function runQuery(query: Query, tables: Readonly<Record<string, readonly Row[]>>): Row[] {
  const rows = tables[query.table];
  if (!rows) throw new Error(`unknown table "${query.table}"; tables: ${Object.keys(tables).join(', ')}`);
  const fields = Object.keys(rows[0] ?? {});
  for (const c of query.where) {
    if (!fields.includes(c.field)) throw new Error(`unknown field "${c.field}" in ${query.table}; fields: ${fields.join(', ')}`);
  }
  return rows.filter((row) => query.where.every((c) => holds(row, c))).slice(0, query.limit);
}
