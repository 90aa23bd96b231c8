// The plan as printed before anything changes, and the final table a CI log ends with.
import type { PlanItem } from './plan.js';

export interface ResultRow {
  target: string;
  name: string;
  action: string;
  result: string;
  failed: boolean;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ').trimEnd());
}

export function formatPlan(items: PlanItem[]): string[] {
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`  ${item.action.padEnd(9)} ${item.target.padEnd(13)} ${item.name}`);
    for (const d of item.details) lines.push(`      ${d}`);
  }
  return lines;
}

export function formatSummary(rows: ResultRow[]): string[] {
  const count = (action: string) => rows.filter((r) => r.action === action && !r.failed).length;
  const failed = rows.filter((r) => r.failed).length;
  return [
    ...table([['TARGET', 'NAME', 'ACTION', 'RESULT'], ...rows.map((r) => [r.target, r.name, r.action, r.result])]),
    `summary: ${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged, ${count('delete')} deleted, ${failed} failed`,
  ];
}
