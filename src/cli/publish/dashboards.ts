// Dashboards: plan (create / update with a normalised diff / unchanged), ownership checks so we
// never overwrite a dashboard we do not own, and opt-in pruning limited to our tag in our folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './failure.js';
import type { DashboardJson, GrafanaClient, SearchHit, StoredDashboard } from './grafana-client.js';
import { jsonDiff, shortDiff } from './json-diff.js';
import type { PlanItem } from './plan.js';

export interface DashboardPlanOptions {
  folderUid: string;
  folderTitle: string;
  /** config.grafana.tags[0]: marks what we own; pruning never looks at anything without it. */
  ownerTag: string;
  message: string;
  prune: boolean;
  /** Take over same-uid dashboards that lack our tag instead of refusing. */
  adopt: boolean;
  /** Uids generated for any profile: pruning one profile must not delete another's dashboards. */
  generatedUids: ReadonlySet<string>;
}

/** Fields Grafana sets on save (row id, version counter, edit iteration): never a difference. */
const SERVER_FIELDS = ['id', 'version', 'iteration'];

export function loadDashboards(dir: string): DashboardJson[] {
  if (!existsSync(dir)) throw new UsageError(`no dashboards at ${dir}: run npm run build first, or pass --root/--profile`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new UsageError(`no *.json dashboards in ${dir}`);
  return files.map((file) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      throw new UsageError(`${join(dir, file)}: not valid JSON (${(err as Error).message})`);
    }
    const d = parsed as Partial<DashboardJson>;
    if (typeof d.uid !== 'string' || !d.uid || typeof d.title !== 'string' || !d.title) {
      throw new UsageError(`${join(dir, file)}: a dashboard needs a non-empty "uid" and "title"`);
    }
    return d as DashboardJson;
  });
}

/** Uids of the dashboards generated for every profile present under `dashboardsRoot`. */
export function generatedUids(dashboardsRoot: string, profiles: readonly string[]): Set<string> {
  const dirs = profiles.map((p) => join(dashboardsRoot, p)).filter((dir) => existsSync(dir));
  return new Set(dirs.flatMap((dir) => loadDashboards(dir).map((d) => d.uid)));
}

export function withOwnerTag(dashboard: DashboardJson, tag: string): DashboardJson {
  const tags = Array.isArray(dashboard.tags) ? (dashboard.tags as string[]) : [];
  return tags.includes(tag) ? dashboard : { ...dashboard, tags: [...tags, tag] };
}

export function normaliseDashboard(dashboard: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...dashboard };
  for (const field of SERVER_FIELDS) delete copy[field];
  return copy;
}

function tagsOf(dashboard: Record<string, unknown>): string[] {
  return Array.isArray(dashboard.tags) ? (dashboard.tags as string[]) : [];
}

function planOne(client: GrafanaClient, desired: DashboardJson, stored: StoredDashboard | undefined, inFolder: SearchHit[], opts: DashboardPlanOptions): PlanItem {
  const item = { target: 'dashboard' as const, name: desired.uid };
  const clash = inFolder.find((h) => h.title === desired.title && h.uid !== desired.uid);
  if (clash) {
    return { ...item, action: 'conflict', details: [`dashboard "${clash.title}" (uid ${clash.uid}) already has this title in folder ${opts.folderUid}; ` +
      'Grafana would overwrite it or refuse. Rename or move it, then publish again.'] };
  }
  const apply = () => client.saveDashboard(desired, opts.folderUid, opts.message, stored);
  if (!stored) return { ...item, action: 'create', details: [`"${desired.title}" in folder ${opts.folderUid}`], apply };
  if (stored.provisioned) {
    return { ...item, action: 'conflict', details: ['provisioned from files on the Grafana server; the API cannot change it. Remove it from the file provisioning first.'] };
  }
  if (!opts.adopt && !tagsOf(stored.dashboard).includes(opts.ownerTag)) {
    return { ...item, action: 'conflict', details: [`exists (folder ${stored.folderUid || 'General'}) without our tag "${opts.ownerTag}", so someone else owns it. ` +
      'Change the uid, delete it, or rerun with --adopt to take it over.'] };
  }
  const details = stored.apis?.schemaV2
    ? ['~ stored as dashboard schema v2: replaced with the generated v1 JSON through /apis/dashboard.grafana.app']
    : shortDiff(jsonDiff(normaliseDashboard(stored.dashboard), normaliseDashboard(desired)));
  if (stored.folderUid !== opts.folderUid) details.unshift(`~ folder: ${stored.folderUid || 'General'} → ${opts.folderUid}`);
  return details.length ? { ...item, action: 'update', details, apply } : { ...item, action: 'unchanged', details: [] };
}

export async function planDashboards(client: GrafanaClient, dashboards: DashboardJson[], opts: DashboardPlanOptions): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  const folder = await client.getFolder(opts.folderUid);
  if (!folder) {
    items.push({ target: 'folder', name: opts.folderUid, action: 'create', details: [`"${opts.folderTitle}"`],
      apply: () => client.createFolder(opts.folderUid, opts.folderTitle) });
  } else {
    const note = folder.title === opts.folderTitle ? [] : [`keeps its title "${folder.title}"`];
    items.push({ target: 'folder', name: opts.folderUid, action: 'unchanged', details: note });
  }
  const inFolder = folder ? await client.searchFolder(opts.folderUid) : [];
  for (const dashboard of dashboards) {
    const desired = withOwnerTag(dashboard, opts.ownerTag);
    items.push(planOne(client, desired, await client.getDashboard(desired.uid), inFolder, opts));
  }
  const generated = new Set([...opts.generatedUids, ...dashboards.map((d) => d.uid)]);
  for (const hit of inFolder.filter((h) => h.tags.includes(opts.ownerTag) && !generated.has(h.uid))) {
    items.push(opts.prune
      ? { target: 'dashboard', name: hit.uid, action: 'delete', details: [`"${hit.title}" is no longer generated`], apply: () => client.deleteDashboard(hit.uid) }
      : { target: 'dashboard', name: hit.uid, action: 'keep', details: [`"${hit.title}" is no longer generated; --prune would delete it`] });
  }
  return items;
}
