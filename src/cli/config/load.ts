// Loads the optional YAML config file and validates it; every problem becomes one readable line.
import { existsSync, readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'mcp-observability.config.yaml';

/** A config problem the CLI prints as is (no stack trace) before exiting non-zero. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid config in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
  return `${path}: ${issue.message}`;
}

export function validateConfig(input: unknown, source = 'config'): Config {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(describeIssue));
  return parsed.data;
}

/** Reads `file` (YAML) when it exists, else the defaults; an explicitly named file must exist. */
export function loadConfig(file?: string): Config {
  const path = file ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(path)) {
    if (file) throw new ConfigError(path, ['file not found']);
    return validateConfig({}, 'defaults');
  }
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  return validateConfig(doc, path);
}
