// The check's result table.

export interface CheckRow {
  area: string;
  subject: string;
  ok: boolean;
  detail: string;
  /**
   * A failed row that does not fail the check: a rule or panel with no data because the servers
   * never sent its signal (a user's server may not report agent tasks or tokens, for example).
   */
  noData?: boolean;
}

/** Whether the rows pass: every row ok, or empty for want of data where that is allowed. */
export const passed = (rows: readonly CheckRow[]): boolean => rows.every((r) => r.ok || r.noData);

export function formatTable(rows: readonly CheckRow[]): string {
  const header = { area: 'CHECK', subject: 'SUBJECT', result: 'RESULT', detail: 'DETAIL' };
  const lines = rows.map((r) => ({ area: r.area, subject: r.subject, result: r.ok ? 'ok' : r.noData ? 'no data' : 'FAIL', detail: r.detail }));
  const width = (key: keyof typeof header) => Math.max(header[key].length, ...lines.map((l) => l[key].length));
  const w = { area: width('area'), subject: Math.min(width('subject'), 60), result: width('result') };
  const fmt = (l: typeof header) =>
    `${l.area.padEnd(w.area)}  ${l.subject.padEnd(w.subject)}  ${l.result.padEnd(w.result)}  ${l.detail}`.trimEnd();
  return [fmt(header), ...lines.map(fmt)].join('\n');
}

export function summary(rows: readonly CheckRow[]): string {
  const failed = rows.filter((r) => !r.ok && !r.noData).length;
  const empty = rows.filter((r) => !r.ok && r.noData).length;
  const emptyNote = empty ? `; ${empty} rules or panels have no data (signals your servers have not sent)` : '';
  return failed ? `check: ${failed} of ${rows.length} checks FAILED${emptyNote}` : `check: ${rows.length - empty} of ${rows.length} checks passed${emptyNote}`;
}
