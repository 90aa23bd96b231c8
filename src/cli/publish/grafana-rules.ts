// Grafana-managed alerting from our Prometheus rule files, through the provisioning API
// (PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group, one atomic group at a time).
//
// Each alert becomes: A = the PromQL expression as an instant query on the fixed data source;
// B = math `is_number($A) || is_nan($A) || is_inf($A)`; C = threshold B > 0 (the condition).
// Grafana's own Prometheus-rule converter does the same: a Prometheus alert fires for every
// series its expression returns, whatever the value, and a plain "A > 0" threshold would miss
// series whose value is 0 or negative (e.g. "success ratio < 0.85" returning 0).
// Recording rules are skipped: Grafana-managed recording rules need remote-write to a target
// data source and would write the same series Prometheus/Mimir already records; the recorded
// series our alerts read must come from Prometheus (--rules-dir) or Mimir (--ruler).
import { createHash } from 'node:crypto';
import type { GrafanaClient } from './grafana-client.js';
import { jsonDiff, projectOnto, shortDiff } from './json-diff.js';
import type { PlanItem } from './plan.js';
import { durationSeconds, type PromGroup, type PromRule, type RuleFile } from './prom-rules.js';

export interface GrafanaRulesOptions {
  folderUid: string;
  datasourceUid: string;
  /** X-Disable-Provenance: rules stay editable in the Grafana UI. */
  editable: boolean;
}

/** Grafana's scheduler ticks every 10 s; a group interval must be a multiple of it. */
const SCHEDULER_TICK_SECONDS = 10;
const DEFAULT_INTERVAL_SECONDS = 60;
const QUERY_WINDOW_SECONDS = 600;
const EXPR_DATASOURCE = { type: '__expr__', uid: '__expr__' };

export interface GrafanaRuleGroup {
  title: string;
  folderUid: string;
  interval: number;
  rules: Record<string, unknown>[];
}

/** Stable uid: the same alert in the same group keeps its uid (and its state and silences) across publishes. */
function ruleUid(folderUid: string, group: string, alert: string, occurrence: number): string {
  const digest = createHash('sha1').update(`${folderUid}/${group}/${alert}/${occurrence}`).digest('hex');
  return `mcpo-${digest.slice(0, 24)}`;
}

/** Prometheus' $value is query A's value in Grafana templates. */
function grafanaTemplate(text: string): string {
  return text.replace(/\$value\b/g, '$values.A.Value');
}

function groupInterval(group: PromGroup): { seconds: number; note?: string } {
  const wanted = group.interval ? durationSeconds(group.interval) : DEFAULT_INTERVAL_SECONDS;
  const seconds = Math.max(SCHEDULER_TICK_SECONDS, Math.ceil(wanted / SCHEDULER_TICK_SECONDS) * SCHEDULER_TICK_SECONDS);
  return seconds === wanted ? { seconds } : { seconds, note: `interval ${group.interval} rounded to ${seconds}s (Grafana evaluates every 10s)` };
}

function alertRule(rule: PromRule & { alert: string }, title: string, uid: string, group: string, opts: GrafanaRulesOptions): Record<string, unknown> {
  return {
    uid,
    title,
    folderUID: opts.folderUid,
    ruleGroup: group,
    condition: 'C',
    data: [
      { refId: 'A', queryType: '', datasourceUid: opts.datasourceUid, relativeTimeRange: { from: QUERY_WINDOW_SECONDS, to: 0 },
        model: { refId: 'A', expr: rule.expr, instant: true, range: false, intervalMs: 1000, maxDataPoints: 43200,
          datasource: { type: 'prometheus', uid: opts.datasourceUid } } },
      { refId: 'B', queryType: '', datasourceUid: EXPR_DATASOURCE.uid, relativeTimeRange: { from: 0, to: 0 },
        model: { refId: 'B', type: 'math', expression: 'is_number($A) || is_nan($A) || is_inf($A)', datasource: EXPR_DATASOURCE } },
      { refId: 'C', queryType: '', datasourceUid: EXPR_DATASOURCE.uid, relativeTimeRange: { from: 0, to: 0 },
        model: { refId: 'C', type: 'threshold', expression: 'B', conditions: [{ evaluator: { type: 'gt', params: [0] } }], datasource: EXPR_DATASOURCE } },
    ],
    // Prometheus semantics: no series means nothing is wrong; a failing query is an error, not silence.
    noDataState: 'OK',
    execErrState: 'Error',
    for: rule.for ?? '0s',
    ...(rule.keep_firing_for ? { keep_firing_for: rule.keep_firing_for } : {}),
    labels: rule.labels ?? {},
    annotations: Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, grafanaTemplate(v)])),
    isPaused: false,
  };
}

export function toGrafanaGroup(group: PromGroup, opts: GrafanaRulesOptions): { body: GrafanaRuleGroup; notes: string[] } {
  const notes: string[] = [];
  const interval = groupInterval(group);
  if (interval.note) notes.push(interval.note);
  const alerts = group.rules.filter((r): r is PromRule & { alert: string } => typeof r.alert === 'string');
  const recording = group.rules.length - alerts.length;
  if (recording) notes.push(`${recording} recording rule(s) skipped: load them into Prometheus (--rules-dir) or Mimir (--ruler)`);
  const seen = new Map<string, number>();
  const rules = alerts.map((rule) => {
    const occurrence = seen.get(rule.alert) ?? 0;
    seen.set(rule.alert, occurrence + 1);
    // Titles must be unique in a folder; a second rule of the same name (e.g. warning and critical) gets its severity appended.
    const title = occurrence === 0 ? rule.alert : `${rule.alert} (${rule.labels?.severity ?? occurrence + 1})`;
    return alertRule(rule, title, ruleUid(opts.folderUid, group.name, rule.alert, occurrence), group.name, opts);
  });
  return { body: { title: group.name, folderUid: opts.folderUid, interval: interval.seconds, rules }, notes };
}

/** What we compare: durations as seconds, provenance as Grafana reports it ('' = editable in the UI). */
function comparable(group: Record<string, unknown>, provenanceDefault?: string): Record<string, unknown> {
  const rules = (group.rules as Record<string, unknown>[] | undefined ?? []).map((r) => ({
    ...r,
    for: durationSeconds(String(r.for || '0s')),
    ...(r.keep_firing_for ? { keep_firing_for: durationSeconds(String(r.keep_firing_for)) } : {}),
    provenance: provenanceDefault ?? r.provenance ?? '',
  }));
  return { ...group, rules };
}

export async function planGrafanaRules(client: GrafanaClient, files: RuleFile[], opts: GrafanaRulesOptions): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  for (const file of files) {
    for (const group of file.groups) {
      const { body, notes } = toGrafanaGroup(group, opts);
      const item = { target: 'grafana-rules' as const, name: group.name };
      if (!body.rules.length) {
        items.push({ ...item, action: 'keep', details: [...notes, 'no alerts: nothing to publish to Grafana'] });
        continue;
      }
      const apply = () => client.putRuleGroup(opts.folderUid, group.name, body, opts.editable);
      const stored = await client.getRuleGroup(opts.folderUid, group.name);
      if (!stored) {
        items.push({ ...item, action: 'create', details: [...notes, `${body.rules.length} alert rule(s) in folder ${opts.folderUid}`], apply });
        continue;
      }
      const desired = comparable(body as unknown as Record<string, unknown>, opts.editable ? '' : 'api');
      // Grafana adds ids, timestamps and query defaults to what it returns: compare only what we send.
      const diff = jsonDiff(projectOnto(comparable(stored), desired), desired);
      items.push(diff.length ? { ...item, action: 'update', details: [...notes, ...shortDiff(diff)], apply } : { ...item, action: 'unchanged', details: notes });
    }
  }
  return items;
}
