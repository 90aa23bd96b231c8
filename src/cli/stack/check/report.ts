// The check's result table.

export interface CheckRow {
  area: string;
  subject: string;
  ok: boolean;
  detail: string;
}

export function formatTable(rows: readonly CheckRow[]): string {
  const header = { area: 'CHECK', subject: 'SUBJECT', result: 'RESULT', detail: 'DETAIL' };
  const lines = rows.map((r) => ({ area: r.area, subject: r.subject, result: r.ok ? 'ok' : 'FAIL', detail: r.detail }));
  const width = (key: keyof typeof header) => Math.max(header[key].length, ...lines.map((l) => l[key].length));
  const w = { area: width('area'), subject: Math.min(width('subject'), 60), result: width('result') };
  const fmt = (l: typeof header) =>
    `${l.area.padEnd(w.area)}  ${l.subject.padEnd(w.subject)}  ${l.result.padEnd(w.result)}  ${l.detail}`.trimEnd();
  return [fmt(header), ...lines.map(fmt)].join('\n');
}

export function summary(rows: readonly CheckRow[]): string {
  const failed = rows.filter((r) => !r.ok).length;
  return failed ? `check: ${failed} of ${rows.length} checks FAILED` : `check: all ${rows.length} checks passed`;
}
