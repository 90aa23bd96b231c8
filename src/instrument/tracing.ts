// The OpenTelemetry tracer behind the library's spans (and the simulator's): a provider of its
// own, never the global one, so an application's own OpenTelemetry set-up is left untouched.
// Spans leave through a batch processor (OTLP/HTTP by default) and are flushed on shutdown.
//
// The OpenTelemetry SDK packages are optional peer dependencies, loaded only when tracing is on, so
// a server without tracing installs none of them.
import { createRequire } from 'node:module';
import type { Tracer } from '@opentelemetry/api';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * The part of an OpenTelemetry SpanExporter the library calls, spelled here so its types need no
 * SDK package installed.
 */
export interface SpanExporterLike {
  export(spans: never[], resultCallback: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

const requireOptional = createRequire(import.meta.url);

/** An optional peer dependency, or an error that says which packages tracing needs. */
function optionalPeer<T>(name: string): T {
  try {
    return requireOptional(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(`tracing needs ${name}: npm install @opentelemetry/sdk-trace-base @opentelemetry/resources ` +
      '@opentelemetry/exporter-trace-otlp-http (optional peer dependencies of @mcp-observability/instrument)');
  }
}

export interface TracingOptions {
  /**
   * OTLP/HTTP base URL; spans are POSTed to `<endpoint>/v1/traces`. Default: the environment's
   * OTEL_EXPORTER_OTLP_ENDPOINT, else http://127.0.0.1:4318 (a local collector or Jaeger).
   */
  endpoint?: string;
  /** service.name resource attribute. Default: OTEL_SERVICE_NAME, else 'mcp-server'. */
  serviceName?: string;
  /** Share of new traces recorded, 0..1 (default 1); a caller's sampled flag is followed. */
  sampleRatio?: number;
  /** Send spans here instead of OTLP (tests use an in-memory exporter). */
  exporter?: SpanExporterLike;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Exports the spans still queued and stops the exporter. */
  shutdown(): Promise<void>;
}

export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
export const TRACER_NAME = 'mcp-observability';

/** The OTLP/HTTP traces URL for a base endpoint (as OTEL_EXPORTER_OTLP_ENDPOINT defines it). */
export function otlpTracesUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`tracing.endpoint: not a URL: "${endpoint}" (expected the OTLP/HTTP base, e.g. ${DEFAULT_OTLP_ENDPOINT})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`tracing.endpoint: expected http(s), got ${url.protocol} (OTLP/HTTP, port 4318 by convention)`);
  }
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

export function createTracing(options: TracingOptions, serviceNameDefault: string,
  env: NodeJS.ProcessEnv = process.env): Tracing {
  const ratio = options.sampleRatio ?? 1;
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`tracing.sampleRatio: expected a number from 0 to 1, got ${String(ratio)}`);
  const { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } =
    optionalPeer<typeof SdkTraceBase>('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = optionalPeer<typeof Resources>('@opentelemetry/resources');
  const exporter = options.exporter
    ?? new (optionalPeer<typeof OtlpHttp>('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)({ url: otlpTracesUrl(options.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_ENDPOINT) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? env.OTEL_SERVICE_NAME ?? serviceNameDefault }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    // A short delay: a developer looking for the trace of a call they just made should find it.
    spanProcessors: [new BatchSpanProcessor(exporter as SpanExporter, { scheduledDelayMillis: 1000 })],
  });
  return {
    tracer: provider.getTracer(TRACER_NAME),
    shutdown: () => provider.shutdown(),
  };
}
