// What users may override, with the defaults the product ships. Every field is documented in
// README's config reference; `validate` turns any mistake into "field: what is allowed".
import { z } from 'zod';
import { LATENCY_BUCKETS } from '../catalog/buckets.js';
import { parsePromQL } from '../promql/parse.js';

const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'expected a Prometheus duration such as 30s, 5m, 1h, 1d');
const ratio = z.number().gt(0).lt(1);
const severity = z.enum(['critical', 'warning', 'info']);
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name');

const toolLatency = z.strictObject({
  tool: z.string().min(1),
  quantile: z.number().refine((q) => [0.5, 0.9, 0.95, 0.99].includes(q), 'expected 0.5, 0.9, 0.95 or 0.99'),
  thresholdSeconds: z.number().positive(),
  for: duration,
  severity,
});

export const configSchema = z.strictObject({
  /** Metric profiles to build: prom-client (this library) and/or otel (OpenTelemetry MCP conventions). */
  profiles: z.array(z.enum(['prom-client', 'otel'])).min(1).default(['prom-client', 'otel']),
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
  defaultToolLatency: toolLatency.omit({ tool: true }).default({ quantile: 0.95, thresholdSeconds: 5, for: '10m', severity: 'warning' }),
  /** Heap used as a share of the V8 heap limit. */
  heap: z.strictObject({ ratio, for: duration }).default({ ratio: 0.85, for: '5m' }),
  /** initialize success-ratio targets per transport. */
  handshake: z.strictObject({ stdio: ratio, http: ratio, for: duration }).default({ stdio: 0.999, http: 0.99, for: '10m' }),
  /** Server-caused tool error ratio. */
  errorRatio: z.strictObject({ max: ratio, for: duration }).default({ max: 0.05, for: '10m' }),
  /** Tool calls rejected for invalid parameters, as a share of all calls. */
  validationErrorRatio: z.strictObject({ max: ratio, for: duration }).default({ max: 0.005, for: '15m' }),
  /** Calls to unknown tools or with schema-violating arguments, as a share of all calls. */
  hallucinationRatio: z.strictObject({ max: ratio, for: duration }).default({ max: 0.08, for: '15m' }),
  /** Share of agent tasks reported successful. */
  taskSuccess: z.strictObject({ min: ratio, for: duration }).default({ min: 0.85, for: '30m' }),
  /**
   * Probing: JSON-RPC -32601 (method not found) responses per second per instance, and calls to
   * unknown tool names per second from one client (honest hallucinations are rarer and spread out).
   */
  probing: z.strictObject({
    methodNotFoundPerSecond: z.number().positive(),
    unknownToolsPerSecond: z.number().positive().default(0.2),
    for: duration,
  }).default({ methodNotFoundPerSecond: 0.5, unknownToolsPerSecond: 0.2, for: '5m' }),
  /** Authentication failures per second per instance: a burst is credential stuffing, a leaked or expired client token. */
  authFailures: z.strictObject({ perSecond: z.number().positive(), for: duration }).default({ perSecond: 0.2, for: '2m' }),
  /** How long a run-time tool-definition change (modified, added, removed) keeps its critical alert firing. */
  toolDefinitionChanges: z.strictObject({ window: duration }).default({ window: '30m' }),
  /** Tools offered in tools/list; model tool-selection accuracy drops beyond about 16. */
  registeredTools: z.strictObject({ max: z.number().int().positive(), for: duration }).default({ max: 16, for: '15m' }),
  /** Redactions per second per instance (all detectors and locations): a tool leaking secrets or PII. */
  redactions: z.strictObject({ perSecond: z.number().positive(), for: duration }).default({ perSecond: 0.5, for: '10m' }),
  eventLoopLag: z.strictObject({ maxSeconds: z.number().positive(), for: duration }).default({ maxSeconds: 0.2, for: '10m' }),
  /** Open sessions idle past the reaper's threshold. */
  idleSessions: z.strictObject({ max: z.number().int().positive(), for: duration }).default({ max: 50, for: '30m' }),
  /** Calls per second below which a tool is too quiet to alert on ratios. */
  minToolRate: z.number().positive().default(0.05),
  /** Multi-window multi-burn-rate SLOs per tool. */
  slo: z.strictObject({
    period: duration,
    availability: ratio,
    latency: z.strictObject({
      objective: ratio,
      // The latency SLI reads one histogram bucket, so the threshold must be a boundary.
      thresholdSeconds: z.number().refine((t) => (LATENCY_BUCKETS as readonly number[]).includes(t),
        `expected a latency bucket boundary: ${LATENCY_BUCKETS.join(', ')}`),
    }),
  }).default({ period: '30d', availability: 0.995, latency: { objective: 0.99, thresholdSeconds: 1 } }),
  /** Call-volume anomaly bands (z-score) per tool. */
  anomaly: z.strictObject({
    zScore: z.number().positive(),
    baseline: duration,
    minRatio: z.number().gt(1),
    minRate: z.number().positive(),
    for: duration,
  }).default({ zScore: 3, baseline: '1d', minRatio: 2, minRate: 0.2, for: '10m' }),
  grafana: z.strictObject({
    datasourceUid: z.string().min(1),
    folder: z.string().min(1),
    folderUid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'expected 1-40 letters, digits, - or _'),
    tags: z.array(z.string().min(1)).min(1),
  }).default({ datasourceUid: 'prometheus', folder: 'MCP Observability', folderUid: 'mcp-observability', tags: ['mcp-observability'] }),
  /** Where alerts' runbook_url points; an anchor per alert is appended. */
  runbookBaseUrl: z.url().default('https://github.com/mcp-observability/mcp-observability/blob/main/docs/runbook.md'),
  /** Namespace for Mimir/Cortex ruler output. */
  mimirNamespace: z.string().min(1).default('mcp-observability'),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
