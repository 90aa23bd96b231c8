import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../src/cli/config/load.js';

const problems = (input: unknown): string[] => {
  try {
    validateConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('config', () => {
  it('ships the documented defaults', () => {
    const c = validateConfig({});
    expect(c.profiles).toEqual(['prom-client', 'otel']);
    expect(c.toolLatency).toEqual([{ tool: 'search_docs', quantile: 0.95, thresholdSeconds: 1, for: '5m', severity: 'warning' }]);
    expect(c.heap.ratio).toBe(0.85);
    expect(c.handshake).toMatchObject({ stdio: 0.999, http: 0.99 });
    expect(c.validationErrorRatio.max).toBe(0.005);
    expect(c.hallucinationRatio.max).toBe(0.08);
    expect(c.taskSuccess.min).toBe(0.85);
  });

  it.each([
    [{ profiles: ['prometheus'] }, 'profiles.0: Invalid option: expected one of "prom-client"|"otel"'],
    [{ heap: { ratio: 1.5, for: '5m' } }, 'heap.ratio: Too big'],
    [{ heap: { ratio: 0.9, for: 'five minutes' } }, 'heap.for: expected a Prometheus duration'],
    [{ colour: 'blue' }, '(top level): unknown field(s) colour'],
    [{ aggregationLabels: ['cluster-name'] }, 'aggregationLabels.0: expected a Prometheus label name'],
    [{ toolLatency: [{ tool: 'x', quantile: 0.9, thresholdSeconds: 1, for: '5m', severity: 'page' }] },
      'toolLatency.0.severity: Invalid option: expected one of "critical"|"warning"|"info"'],
    [{ selector: 'job="mcp' }, 'selector: expected PromQL label matchers'],
    [{ slo: { period: '30d', availability: 0.99, latency: { objective: 0.99, thresholdSeconds: 0.75 } } },
      'slo.latency.thresholdSeconds: expected a latency bucket boundary'],
  ])('names the field and what is allowed for %j', (input, expected) => {
    expect(problems(input).join('\n')).toContain(expected);
  });

  it('reads YAML files and reports a missing named file or broken YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-config-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'profiles: [otel]\naggregationLabels: [cluster]\n');
    expect(loadConfig(good)).toMatchObject({ profiles: ['otel'], aggregationLabels: ['cluster'] });
    expect(() => loadConfig(join(dir, 'absent.yaml'))).toThrow(/file not found/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'profiles: [otel\n');
    expect(() => loadConfig(bad)).toThrow(/not valid YAML/);
  });
});
