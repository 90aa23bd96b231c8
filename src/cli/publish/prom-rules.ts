// Reading our generated Prometheus rule files (plain and Mimir-ruler flavours) with checks that
// name the file and field, and Prometheus durations as seconds.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { RULE_FILE_SUFFIX } from '@mcp-observability/catalog';
import { UsageError } from './failure.js';

export interface PromRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PromGroup {
  name: string;
  interval?: string;
  rules: PromRule[];
}

export interface RuleFile {
  path: string;
  /** Only in Mimir-ruler files. */
  namespace?: string;
  groups: PromGroup[];
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** "1h30m" → 5400; throws on anything Prometheus would not parse. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) throw new UsageError(`"${text}" is not a Prometheus duration (e.g. 30s, 5m, 1h30m)`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit as string] ?? 0), 0);
}

function checkGroups(path: string, groups: unknown): PromGroup[] {
  if (!Array.isArray(groups)) throw new UsageError(`${path}: expected "groups:" with a list of rule groups`);
  for (const [i, g] of groups.entries()) {
    const group = g as Partial<PromGroup>;
    if (typeof group.name !== 'string' || !Array.isArray(group.rules)) throw new UsageError(`${path}: groups[${i}] needs "name" and "rules"`);
    for (const [j, r] of group.rules.entries()) {
      const rule = r as Partial<PromRule>;
      if (typeof rule.expr !== 'string' || (typeof rule.alert !== 'string') === (typeof rule.record !== 'string')) {
        throw new UsageError(`${path}: groups[${i}].rules[${j}] needs "expr" and exactly one of "alert" or "record"`);
      }
    }
  }
  return groups as PromGroup[];
}

function readYaml(path: string): Record<string, unknown> {
  try {
    return (yaml.load(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
}

export function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) throw new UsageError(`no rule files at ${dir}: run npm run build first, or pass --root/--profile`);
  const files = readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
  if (!files.length) throw new UsageError(`no *${suffix} files in ${dir}`);
  return files;
}

/** `alerts/<profile>/*.rules.yaml`: plain Prometheus rule files. */
export function loadPrometheusRuleFiles(dir: string): RuleFile[] {
  return listFiles(dir, RULE_FILE_SUFFIX).map((path) => ({ path, groups: checkGroups(path, readYaml(path).groups) }));
}

/** `alerts/<profile>/mimir/*.yaml`: `namespace:` plus `groups:`. */
export function loadRulerFiles(dir: string): RuleFile[] {
  return listFiles(dir, '.yaml').map((path) => {
    const doc = readYaml(path);
    if (typeof doc.namespace !== 'string' || !doc.namespace) throw new UsageError(`${path}: expected a "namespace:" for the ruler`);
    return { path, namespace: doc.namespace, groups: checkGroups(path, doc.groups) };
  });
}
