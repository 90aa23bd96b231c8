// Prometheus-compatible rule stores with a ruler API (Mimir, Cortex): one POST per rule group
// into its namespace, planned against what the ruler already holds; with --prune, groups of our
// namespaces that are no longer generated are deleted (other namespaces are never read).
import * as yaml from 'js-yaml';
import { failureFor, type Operation } from './failure.js';
import type { HttpClient } from './http.js';
import { jsonDiff, shortDiff } from './json-diff.js';
import type { PlanItem } from './plan.js';
import { durationSeconds, type PromGroup, type RuleFile } from './prom-rules.js';

/** Mimir's path; Cortex and Mimir's legacy routes use /api/v1/rules. */
export const DEFAULT_RULER_API_PATH = '/prometheus/config/v1/rules';

export interface RulerOptions {
  apiPath: string;
  credentials: string;
  /** Delete groups of our namespaces that are no longer generated (else they are listed as kept). */
  prune: boolean;
}

/** A duration in seconds; zero counts as absent (Cortex leaves a zero `for` out of what it returns). */
const nonZeroSeconds = (text: string | undefined) => (text ? durationSeconds(text) || undefined : undefined);

/** Durations as seconds and no empty fields, so "5m" and "300s", an omitted empty map or a dropped `for: 0s` compare equal. */
function comparable(group: PromGroup): unknown {
  return {
    name: group.name,
    ...(group.interval ? { interval: durationSeconds(group.interval) } : {}),
    rules: group.rules.map((r) => Object.fromEntries(Object.entries({
      ...r,
      for: nonZeroSeconds(r.for),
      keep_firing_for: nonZeroSeconds(r.keep_firing_for),
    }).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0)))),
  };
}

export async function planRuler(http: HttpClient, files: RuleFile[], opts: RulerOptions): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  const op = (what: string, permission: string): Operation => ({ what, permission, credentials: opts.credentials,
    notFound: `Check --ruler-url/MIMIR_URL and --ruler-api-path (now ${opts.apiPath}; Cortex uses /api/v1/rules), and that the ruler API is enabled (-ruler.enable-api).` });
  const generated = new Map<string, Set<string>>();
  for (const file of files) {
    const namespace = file.namespace ?? '';
    const ns = encodeURIComponent(namespace);
    const names = generated.get(namespace) ?? new Set<string>();
    generated.set(namespace, names);
    for (const group of file.groups) {
      names.add(group.name);
      const name = `${namespace}/${group.name}`;
      const res = await http.request('GET', `${opts.apiPath}/${ns}/${encodeURIComponent(group.name)}`);
      if (res.status !== 200 && res.status !== 404) throw failureFor(res, op(`read ruler group ${name}`, 'read access to the tenant\'s rules'), http.redactor);
      const apply = async () => {
        const put = await http.request('POST', `${opts.apiPath}/${ns}`, { body: yaml.dump(group, { lineWidth: -1, noRefs: true }), contentType: 'application/yaml' });
        if (put.status !== 202 && put.status !== 200) throw failureFor(put, op(`save ruler group ${name}`, 'write access to the tenant\'s rules (e.g. a Grafana Cloud token with rules:write)'), http.redactor);
      };
      if (res.status === 404) {
        items.push({ target: 'ruler', name, action: 'create', details: [`${group.rules.length} rule(s)`], apply });
        continue;
      }
      const diff = jsonDiff(comparable(yaml.load(res.text) as PromGroup), comparable(group));
      items.push(diff.length ? { target: 'ruler', name, action: 'update', details: shortDiff(diff), apply } : { target: 'ruler', name, action: 'unchanged', details: [] });
    }
  }
  for (const [namespace, names] of generated) items.push(...await planStale(http, namespace, names, opts, op));
  return items;
}

/** Groups the ruler holds in one of our namespaces that the build no longer writes. */
async function planStale(http: HttpClient, namespace: string, generated: ReadonlySet<string>, opts: RulerOptions,
  op: (what: string, permission: string) => Operation): Promise<PlanItem[]> {
  const ns = encodeURIComponent(namespace);
  const res = await http.request('GET', `${opts.apiPath}/${ns}`);
  // Both rulers answer 404 for a namespace without groups.
  if (res.status === 404) return [];
  if (res.status !== 200) throw failureFor(res, op(`list ruler namespace ${namespace}`, 'read access to the tenant\'s rules'), http.redactor);
  const held = ((yaml.load(res.text) ?? {}) as Record<string, { name: string }[]>)[namespace] ?? [];
  return held.filter((g) => !generated.has(g.name)).map((g): PlanItem => {
    const name = `${namespace}/${g.name}`;
    if (!opts.prune) return { target: 'ruler', name, action: 'keep', details: ['no longer generated; --prune would delete it'] };
    return { target: 'ruler', name, action: 'delete', details: ['no longer generated'], apply: async () => {
      const del = await http.request('DELETE', `${opts.apiPath}/${ns}/${encodeURIComponent(g.name)}`);
      if (del.status !== 202 && del.status !== 200) throw failureFor(del, op(`delete ruler group ${name}`, 'write access to the tenant\'s rules'), http.redactor);
    } };
  });
}
