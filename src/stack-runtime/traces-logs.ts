// Jaeger (traces) and VictoriaLogs (logs) beside Prometheus: their command lines and Jaeger's
// configuration, every listener on 127.0.0.1. Jaeger v2 is an OpenTelemetry Collector build;
// its shipped config.yaml listens on 0.0.0.0 with remote sampling, zipkin and jaeger receivers
// and pprof, so the stack renders its own: OTLP/HTTP in, in-memory storage, the query API out.
import { DEFAULT_JAEGER_QUERY_PORT, renderYaml } from 'mcp-observability/stack';
export { DEFAULT_VICTORIALOGS_PORT } from 'mcp-observability/stack';

export interface JaegerPorts {
  /** OTLP/HTTP receiver (4318 by convention): servers export to http://127.0.0.1:<port>. */
  otlpHttp: number;
  /** Query HTTP API and UI (16686): /api/traces/<traceId>; Grafana's Jaeger datasource URL. */
  query: number;
  /** Query gRPC API (16685 by default; nothing here uses it, but it always listens). */
  queryGrpc: number;
  /** healthcheckv2 (13133): GET JAEGER_HEALTH_PATH answers 200 once the pipelines run. */
  health: number;
}

export const DEFAULT_JAEGER_PORTS: Readonly<JaegerPorts> = { otlpHttp: 4318, query: DEFAULT_JAEGER_QUERY_PORT, queryGrpc: 16685, health: 13133 };
export const JAEGER_HEALTH_PATH = '/status';

const local = (port: number) => `127.0.0.1:${port}`;

export function jaegerConfig(ports: JaegerPorts): string {
  return renderYaml({
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      // No self-metrics listener (the default binds 0.0.0.0:8888).
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: local(ports.health) } },
      jaeger_query: { storage: { traces: 'memstore' }, http: { endpoint: local(ports.query) }, grpc: { endpoint: local(ports.queryGrpc) } },
      jaeger_storage: { backends: { memstore: { memory: { max_traces: 100_000 } } } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: local(ports.otlpHttp) } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  });
}

export const jaegerArgv = (bin: string, configPath: string): string[] => [bin, `--config=${configPath}`];

export function victoriaLogsArgv(bin: string, port: number, dataDir: string): string[] {
  return [bin, `-httpListenAddr=${local(port)}`, `-storageDataPath=${dataDir}`, '-retentionPeriod=7d'];
}
