// What users may override, with the defaults the product ships. Every field is documented in
// README's config reference; `validate` turns any mistake into "field: what is allowed".
import { z } from 'zod';
import { LATENCY_BUCKETS, OUTPUT_LAYOUT, PROFILE_NAMES } from '@mcp-observability/catalog';
import { parsePromQL } from '../promql/parse.js';

const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'expected a Prometheus duration such as 30s, 5m, 1h, 1d');
const ratio = z.number().gt(0).lt(1);
const severity = z.enum(['critical', 'warning', 'info']);
/** host:port of a metrics endpoint, as Prometheus static_configs take it. */
export const HOST_PORT = /^[^\s/:]+:\d{1,5}$/;

/** An object whose every field has a default: a partial override keeps the defaults of the rest. */
const section = <T extends z.ZodRawShape>(shape: T) => {
  const object = z.strictObject(shape);
  return object.prefault({} as z.input<typeof object>);
};
const labelValue = z.string().min(1);
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name');

const quantile = z.number().refine((q) => [0.5, 0.9, 0.95, 0.99].includes(q), 'expected 0.5, 0.9, 0.95 or 0.99');
const toolLatency = z.strictObject({
  tool: z.string().min(1),
  quantile: quantile.default(0.95),
  thresholdSeconds: z.number().positive(),
  for: duration.default('5m'),
  severity: severity.default('warning'),
});

export const configSchema = z.strictObject({
  /** Metric profiles to build: prom-client (this library) and/or otel (OpenTelemetry MCP conventions). */
  profiles: z.array(z.enum(PROFILE_NAMES)).min(1).default([...PROFILE_NAMES]),
  /** PromQL matchers that scope every rule to MCP servers, e.g. job=~"mcp.*". */
  selector: z.string()
    .refine((s) => parsePromQL(`up{${s}}`).errors.length === 0, 'expected PromQL label matchers such as job=~"mcp.*"')
    .default('job=~"mcp.*"'),
  /** Extra labels kept by every aggregation, e.g. [cluster] for multi-cluster fleets. */
  aggregationLabels: z.array(labelName).default([]),
  /** Per-tool latency alerts; tools not listed use defaultToolLatency. */
  toolLatency: z.array(toolLatency).default([
    { tool: 'search_docs', quantile: 0.95, thresholdSeconds: 1, for: '5m', severity: 'warning' },
  ]),
  defaultToolLatency: section({
    quantile: quantile.default(0.95),
    thresholdSeconds: z.number().positive().default(5),
    for: duration.default('10m'),
    severity: severity.default('warning'),
  }),
  /** Heap used as a share of the V8 heap limit. */
  heap: section({ ratio: ratio.default(0.85), for: duration.default('5m') }),
  /** initialize success-ratio targets per transport. */
  handshake: section({ stdio: ratio.default(0.999), http: ratio.default(0.99), for: duration.default('10m') }),
  /** Server-caused tool error ratio. */
  errorRatio: section({ max: ratio.default(0.05), for: duration.default('10m') }),
  /** Tool calls rejected for invalid parameters, as a share of all calls. */
  validationErrorRatio: section({ max: ratio.default(0.005), for: duration.default('15m') }),
  /** Calls to unknown tools or with schema-violating arguments, as a share of all calls. */
  hallucinationRatio: section({ max: ratio.default(0.08), for: duration.default('15m') }),
  /**
   * resources/read requests failing for server-side reasons (not unknown URIs), per resource; reads
   * below minRate per second are too few to judge.
   */
  resourceErrorRatio: section({ max: ratio.default(0.05), minRate: z.number().positive().default(0.05), for: duration.default('10m') }),
  /**
   * Failed calls of registered tools that agents corrected (a success of the same tool in the same
   * task or session within the instrumentation's window), judged over `window` once at least
   * `minFailures` calls failed in it.
   */
  selfCorrection: section({ min: ratio.default(0.5), minFailures: z.number().int().positive().default(10), window: duration.default('30m'), for: duration.default('30m') }),
  /** Share of agent tasks reported successful. */
  taskSuccess: section({ min: ratio.default(0.85), for: duration.default('30m') }),
  /**
   * Probing: JSON-RPC -32601 (method not found) responses per second per instance, and calls to
   * unknown tool names per second from one client (honest hallucinations are rarer and spread out).
   */
  probing: section({
    methodNotFoundPerSecond: z.number().positive().default(0.5),
    unknownToolsPerSecond: z.number().positive().default(0.2),
    for: duration.default('5m'),
  }),
  /** Authentication failures per second per instance: a burst is credential stuffing, a leaked or expired client token. */
  authFailures: section({ perSecond: z.number().positive().default(0.2), for: duration.default('2m') }),
  /** How long a run-time tool-definition change (modified, added, removed) keeps its critical alert firing. */
  toolDefinitionChanges: section({ window: duration.default('30m') }),
  /** tools/call refusals by a rate limit per second for one client, held this long: abuse or a limit sized too small. */
  rateLimited: section({ perSecond: z.number().positive().default(0.05), for: duration.default('15m') }),
  /** Tools offered in tools/list; model tool-selection accuracy drops beyond about 16. */
  registeredTools: section({ max: z.number().int().positive().default(16), for: duration.default('15m') }),
  /** Redactions per second per instance (all detectors and locations): a tool leaking secrets or PII. */
  redactions: section({ perSecond: z.number().positive().default(0.5), for: duration.default('10m') }),
  eventLoopLag: section({ maxSeconds: z.number().positive().default(0.2), for: duration.default('10m') }),
  /** Open sessions idle past the reaper's threshold. */
  idleSessions: section({ max: z.number().int().positive().default(50), for: duration.default('30m') }),
  /** Calls per second below which a tool is too quiet to alert on ratios. */
  minToolRate: z.number().positive().default(0.05),
  /** Multi-window multi-burn-rate SLOs per tool. */
  slo: section({
    period: duration.default('30d'),
    availability: ratio.default(0.995),
    latency: section({
      objective: ratio.default(0.99),
      // The latency SLI reads one histogram bucket, so the threshold must be a boundary.
      thresholdSeconds: z.number().refine((t) => (LATENCY_BUCKETS as readonly number[]).includes(t),
        `expected a latency bucket boundary: ${LATENCY_BUCKETS.join(', ')}`).default(1),
    }),
    /** Quiet tools: the critical SLO alert also fires when every call of 5m or 1h was bad and there were at least this many. */
    lowTraffic: section({ minBadCalls: z.number().int().positive().default(3) }),
  }),
  /** Call-volume anomaly bands (z-score) per tool. */
  anomaly: section({
    zScore: z.number().positive().default(3),
    baseline: duration.default('1d'),
    minRatio: z.number().gt(1).default(2),
    minRate: z.number().positive().default(0.2),
    for: duration.default('10m'),
  }),
  grafana: section({
    datasourceUid: z.string().min(1).default('prometheus'),
    folder: z.string().min(1).default('MCP Observability'),
    folderUid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'expected 1-40 letters, digits, - or _').default('mcp-observability'),
    tags: z.array(z.string().min(1)).min(1).default(['mcp-observability']),
  }),
  /** Where alerts' runbook_url points; an anchor per alert is appended. */
  runbookBaseUrl: z.url().default(`https://github.com/mcp-observability/mcp-observability/blob/main/${OUTPUT_LAYOUT.runbook}`),
  /** Namespace for Mimir/Cortex ruler output. */
  mimirNamespace: z.string().min(1).default('mcp-observability'),
  /** The local stack of `mcp-observability up`: the MCP servers it scrapes, under one job name. */
  stack: section({
    /** host:port of each server's /metrics. */
    scrape: z.array(z.string().regex(HOST_PORT, 'expected host:port, e.g. 127.0.0.1:9464')).default([]),
    /** Prometheus job of those targets; it must match `selector` for the rules and dashboards to see them. */
    job: labelValue.default('mcp-server'),
    /** Path of the metrics endpoint on every target. */
    metricsPath: z.string().startsWith('/').default('/metrics'),
  }),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
