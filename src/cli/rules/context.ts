// Everything a rule generator needs for one profile: the config, the timing (normal or drill) and
// SignalQueries at the two aggregation levels rules use.
import type { Profile } from '@mcp-observability/catalog';
import type { Config } from '../config/schema.js';
import { selector, SignalQueries, type MatcherLike } from '../promql/index.js';
import { NORMAL_TIMING, type Timing } from './timing.js';

/** Labels every per-job aggregation keeps besides config.aggregationLabels. */
export const JOB_LEVEL = ['job'] as const;
/** Labels every per-process aggregation keeps besides config.aggregationLabels. */
export const INSTANCE_LEVEL = ['job', 'instance'] as const;

export interface RuleContext {
  config: Config;
  profile: Profile;
  timing: Timing;
  /** Aggregates to job (+ roles such as tool or transport). */
  job: SignalQueries;
  /** Aggregates to job + instance (one process). */
  instance: SignalQueries;
}

export function ruleContext(config: Config, profile: Profile, timing: Timing = NORMAL_TIMING): RuleContext {
  const scope = [config.selector];
  return {
    config,
    profile,
    timing,
    job: new SignalQueries(profile, scope, [...config.aggregationLabels, ...JOB_LEVEL]),
    instance: new SignalQueries(profile, scope, [...config.aggregationLabels, ...INSTANCE_LEVEL]),
  };
}

export function runbookUrl(config: Config, alert: string): string {
  return `${config.runbookBaseUrl}#${alert.toLowerCase()}`;
}

/**
 * A recorded series of this profile. Both profiles' rules may load into one Prometheus (the local
 * stack does) and write the same recorded names, told apart only by how the profile spells a label
 * they keep (`label`): a rule reading one must select its own (that label present), or it reads and
 * writes the other's too. Matchers naming a value of that label already select it.
 */
export function ownSeries(name: string, label: string, matchers: readonly MatcherLike[] = []): string {
  const named = matchers.some((m) => typeof m !== 'string' && m.label === label && m.op === '=' && m.value !== '');
  return selector(name, named ? matchers : [{ label, op: '!=', value: '' }, ...matchers]);
}

/** A per-tool recorded series of this profile (see ownSeries). */
export function ownToolSeries(ctx: RuleContext, name: string, matchers: readonly MatcherLike[] = []): string {
  return ownSeries(name, ctx.job.label('toolCalls', 'tool'), matchers);
}
