// The few Prometheus and Alertmanager HTTP API calls the check makes.
import { getJson } from './http.js';

interface ApiResponse<T> {
  status: string;
  data: T;
  error?: string;
}

export interface Sample {
  metric: Record<string, string>;
}

export interface Target {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface RuleInfo {
  type: 'recording' | 'alerting';
  name: string;
  query: string;
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  file: string;
  rules: RuleInfo[];
}

export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

export interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
  startsAt: string;
}

export class PrometheusApi {
  constructor(readonly base: string) {}

  /** GET, or POST with a form body for queries (panel expressions can outgrow a URL). */
  private async api<T>(path: string, form?: URLSearchParams): Promise<T> {
    const init: RequestInit = form ? { method: 'POST', body: form } : {};
    const res = await getJson<ApiResponse<T>>(`${this.base}${path}`, init);
    if (res.status !== 'success') throw new Error(`${path}: ${res.error ?? res.status}`);
    return res.data;
  }

  targets(): Promise<Target[]> {
    return this.api<{ activeTargets: Target[] }>('/api/v1/targets?state=active').then((d) => d.activeTargets);
  }

  ruleGroups(): Promise<RuleGroup[]> {
    return this.api<{ groups: RuleGroup[] }>('/api/v1/rules').then((d) => d.groups);
  }

  alerts(): Promise<PromAlert[]> {
    return this.api<{ alerts: PromAlert[] }>('/api/v1/alerts').then((d) => d.alerts);
  }

  /** Series the expression returned at any step of the last `rangeSeconds` (what a Grafana panel would draw). */
  async rangeSeries(expr: string, rangeSeconds: number, stepSeconds: number): Promise<number> {
    const end = Date.now() / 1000;
    const q = new URLSearchParams({ query: expr, start: String(end - rangeSeconds), end: String(end), step: String(stepSeconds) });
    const data = await this.api<{ result: Sample[] }>('/api/v1/query_range', q);
    return data.result.length;
  }

  /** Series with exemplars the expression's selectors matched over the last `rangeSeconds` (what Grafana draws as exemplar points). */
  async exemplarSeries(expr: string, rangeSeconds: number): Promise<number> {
    const end = Date.now() / 1000;
    const q = new URLSearchParams({ query: expr, start: String(end - rangeSeconds), end: String(end) });
    const data = await this.api<{ exemplars: unknown[] }[]>('/api/v1/query_exemplars', q);
    return data.filter((s) => s.exemplars.length > 0).length;
  }

  async instant(expr: string): Promise<Sample[]> {
    const data = await this.api<{ result: (Sample & { value: [number, string] })[] }>('/api/v1/query', new URLSearchParams({ query: expr }));
    return data.result;
  }

  async scalar(expr: string): Promise<number | undefined> {
    const [first] = await this.instant(expr) as (Sample & { value: [number, string] })[];
    return first ? Number(first.value[1]) : undefined;
  }
}

export const alertmanagerAlerts = (base: string): Promise<AmAlert[]> => getJson<AmAlert[]>(`${base}/api/v2/alerts`);
