// Rule generation entry point: every area's groups for a profile, as plain Prometheus files,
// promtool tests, Mimir/Cortex namespaced files and the time-compressed drill variant.
import type { Profile } from '@mcp-observability/catalog';
import type { Config } from '../config/schema.js';
import { ALERTS_SUBDIRS, alertsDir, ruleFile, type Artifact } from '@mcp-observability/catalog';
import { ruleContext } from './context.js';
import { drillTiming, NORMAL_TIMING, type Timing } from './timing.js';
import { normaliseArea } from './normalise.js';
import { recordingArea } from './recording.js';
import { toolsArea } from './alerts/tools.js';
import { transportArea } from './alerts/transport.js';
import { agentArea } from './alerts/agent.js';
import { contentArea } from './alerts/content.js';
import { resourcesArea } from './alerts/resources.js';
import { securityArea } from './alerts/security.js';
import { availabilityArea } from './alerts/availability.js';
import { syntheticArea } from './alerts/synthetic.js';
import { sloArea } from './slo.js';
import { anomalyArea } from './anomaly.js';
import { renderMimirFile, renderRuleFile, renderTestFile } from './render.js';
import type { AreaRules, TestCase } from './types.js';

/** Drill variant: every window and `for` ×1/15 (1h → 4m), for a stack scraping and evaluating every 5 s. */
export const DRILL_FACTOR = 1 / 15;

const AREAS: ReadonlyArray<(ctx: ReturnType<typeof ruleContext>) => AreaRules | undefined> = [
  normaliseArea, recordingArea, transportArea, toolsArea, contentArea, agentArea, resourcesArea, securityArea, availabilityArea, sloArea, anomalyArea, syntheticArea,
];

/** The areas a profile gets (areas whose signals the profile lacks are left out). */
export function ruleAreas(config: Config, profile: Profile, timing: Timing = NORMAL_TIMING): AreaRules[] {
  const ctx = ruleContext(config, profile, timing);
  return AREAS.map((make) => make(ctx)).filter((a): a is AreaRules => a !== undefined && a.groups.some((g) => g.rules.length > 0));
}

/** An area's tests by file: the `npm test` ones (no file name), then each peers file, which sets its own evaluation interval. */
function testFiles(tests: readonly TestCase[]): { file: string; evaluationInterval: string; tests: TestCase[] }[] {
  const files = new Map<string, { file: string; evaluationInterval: string; tests: TestCase[] }>();
  for (const t of tests) {
    const { file, evaluationInterval } = t.peers ?? { file: '', evaluationInterval: '1m' };
    const into = files.get(file);
    if (!into) files.set(file, { file, evaluationInterval, tests: [t] });
    else if (into.evaluationInterval !== evaluationInterval) throw new Error(`tests of ${file || 'the main file'} disagree on the evaluation interval`);
    else into.tests.push(t);
  }
  return [...files.values()].sort((a, b) => a.file.localeCompare(b.file));
}

export function ruleArtifacts(config: Config, profile: Profile): Artifact[] {
  const dir = alertsDir(profile.name);
  const areas = ruleAreas(config, profile);
  const byArea = new Map(areas.map((a) => [a.area, a]));
  const drill = drillTiming(DRILL_FACTOR);
  const out: Artifact[] = [];
  for (const a of areas) {
    out.push({ path: `${dir}/${ruleFile(a.area)}`, content: renderRuleFile(a.groups, [`Profile: ${profile.name}. Area: ${a.area}.`]) });
    out.push({ path: `${dir}/${ALERTS_SUBDIRS.ruler}/${a.area}.yaml`,
      content: renderMimirFile(config.mimirNamespace, a.groups, [`Profile: ${profile.name}. Area: ${a.area}. Load with: mimirtool rules load ${dir}/${ALERTS_SUBDIRS.ruler}/*.yaml`]) });
    const inputs = [...a.reads.map((r) => byArea.get(r)).filter((r): r is AreaRules => r !== undefined), a];
    for (const { file, evaluationInterval, tests } of testFiles(a.tests)) {
      out.push({ path: `${dir}/${ALERTS_SUBDIRS.tests}/${a.area}${file ? `.${file}` : ''}.test.yaml`, content: renderTestFile({
        ruleFiles: inputs.map((i) => `../${ruleFile(i.area)}`),
        groupOrder: inputs.flatMap((i) => i.groups.map((g) => g.name)),
        evaluationInterval,
        tests,
      }) });
    }
  }
  for (const a of ruleAreas(config, profile, drill)) {
    out.push({ path: `${dir}/${ALERTS_SUBDIRS.drill}/${ruleFile(a.area)}`, content: renderRuleFile(a.groups,
      [`Profile: ${profile.name}. Area: ${a.area}. ${drill.name}, windows at least 20s; recorded series keep their nominal names.`]) });
  }
  return out;
}
