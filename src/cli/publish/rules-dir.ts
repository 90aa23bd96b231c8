// Plain Prometheus: copy the rule files into the directory Prometheus loads (rule_files), then
// reload it through its lifecycle endpoint when told where it is; else say how to reload.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { failureFor } from './failure.js';
import type { HttpClient } from './http.js';
import type { PlanItem } from './plan.js';

export function planRulesDir(files: string[], targetDir: string, prometheus: HttpClient | undefined): PlanItem[] {
  const items: PlanItem[] = files.map((source) => {
    const target = join(targetDir, basename(source));
    const name = target;
    const apply = async () => {
      mkdirSync(targetDir, { recursive: true });
      copyFileSync(source, target);
    };
    if (!existsSync(target)) return { target: 'rules-file', name, action: 'create', details: [], apply };
    return readFileSync(target, 'utf8') === readFileSync(source, 'utf8')
      ? { target: 'rules-file', name, action: 'unchanged', details: [] }
      : { target: 'rules-file', name, action: 'update', details: [`replaced by ${source}`], apply };
  });
  if (!items.some((i) => i.action !== 'unchanged')) return items;
  if (!prometheus) {
    items.push({ target: 'prometheus', name: 'reload needed (by you)', action: 'keep',
      details: ['reload Prometheus to load the new rules: kill -HUP <pid>, or POST /-/reload when it runs with --web.enable-lifecycle (or pass --prometheus-url)'] });
    return items;
  }
  items.push({ target: 'prometheus', name: prometheus.url('/-/reload'), action: 'update', details: ['POST /-/reload'], apply: async () => {
    const res = await prometheus.request('POST', '/-/reload');
    if (res.status !== 200) {
      throw failureFor(res, { what: 'reload Prometheus', credentials: 'the Prometheus URL',
        permission: 'a Prometheus started with --web.enable-lifecycle (it answers 403 otherwise)',
        notFound: 'Check --prometheus-url.' }, prometheus.redactor);
    }
  } });
  return items;
}
