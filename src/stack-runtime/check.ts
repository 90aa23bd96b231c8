// The reference stack's check: the CLI's checks, plus what only the reference servers allow —
// their health, session churn and probes that feed the session and security panels, the fault
// drills, and the exemplar → Jaeger → VictoriaLogs drill.
import type { Config } from 'mcp-observability';
import {
  answers, checkData, checkEndpoint, checkServices, prometheusApi, type CheckRow, type Progress, type StackSettings, type StackState,
} from 'mcp-observability/stack';
import { stackToken } from './auth.js';
import { runDrills, type DrillTimeouts } from './check/drills.js';
import { probeServer } from './check/probes.js';
import { churnSessions } from './check/simulator-run.js';
import { traceDrill } from './check/trace-drill.js';
import { serverJob, type ServerPorts } from './reference.js';
import { DEFAULT_JAEGER_PORTS, DEFAULT_VICTORIALOGS_PORT, JAEGER_HEALTH_PATH } from './traces-logs.js';

export interface ReferenceCheckOptions {
  config: Config;
  settings: StackSettings;
  state: StackState;
  root: string;
  servers: ServerPorts;
  /** Drill names to run (all by default); none outside drill mode. */
  drills?: readonly string[];
  dataTimeoutMs: number;
  drillTimeouts: DrillTimeouts;
  progress: Progress;
}

const http = (port: number) => `http://127.0.0.1:${port}`;

export async function runReferenceCheck(o: ReferenceCheckOptions): Promise<CheckRow[]> {
  const rows = await checkServices(o);
  // Under compose the servers are reachable only inside their network namespace; their scrape targets vouch for them.
  if (o.state.mode === 'native') {
    for (const p of o.config.profiles) rows.push(await checkEndpoint('service', serverJob(p), `${http(o.servers[p])}/health`));
  }
  if (!rows.every((r) => r.ok)) return rows;
  // The stack's simulators keep their sessions open, so handshakes and session durations only
  // appear at their start; a short run with its own sessions gives those rules and panels data.
  o.progress('opening and closing MCP sessions meanwhile (short simulator runs per server)');
  const churn = o.config.profiles.map((p) => churnSessions(o.root, `${http(o.servers[p])}/mcp`));
  const probes = await Promise.all(o.config.profiles.map((p) => probeServer(`${http(o.servers[p])}/mcp`)));
  try {
    rows.push(...await checkData(o));
  } finally {
    await Promise.all([...churn.map((c) => c.stop()), ...probes.map((p) => p.close())]);
  }
  if (o.state.drill && o.drills?.length !== 0) {
    const profile = o.config.profiles.includes('prom-client') ? 'prom-client' : 'otel';
    rows.push(...await runDrills({
      job: serverJob(profile), profile, serverUrl: http(o.servers[profile]), prometheus: prometheusApi(o.state),
      alertmanagerUrl: http(o.state.ports.alertmanager), webhookUrl: http(o.state.ports.webhook), root: o.root, config: o.config,
    }, o.drillTimeouts, o.progress, o.drills));
  } else if (!o.state.drill) {
    o.progress('drills skipped: the stack runs the real rules (start it with `npm run up -- --drill` for drills)');
  }
  rows.push(...await runTraceDrill(o));
  return rows;
}

/** The exemplar → Jaeger → VictoriaLogs drill, when Jaeger and VictoriaLogs run beside the stack (docs/tracing.md). */
async function runTraceDrill(o: ReferenceCheckOptions): Promise<CheckRow[]> {
  const jaegerUrl = http(DEFAULT_JAEGER_PORTS.query);
  const victoriaLogsUrl = http(DEFAULT_VICTORIALOGS_PORT);
  if (!(await answers(`${http(DEFAULT_JAEGER_PORTS.health)}${JAEGER_HEALTH_PATH}`) && await answers(`${victoriaLogsUrl}/health`))) {
    o.progress('trace drill skipped: Jaeger and VictoriaLogs are not running (npm run traces-logs; docs/tracing.md)');
    return [];
  }
  const profile = o.config.profiles.includes('prom-client') ? 'prom-client' : 'otel';
  const { rows } = await traceDrill({
    serverUrl: http(o.servers[profile]), authToken: stackToken('stack-check', 600), profile, job: serverJob(profile),
    prometheusUrl: http(o.state.ports.prometheus), jaegerUrl, victoriaLogsUrl,
  }, { slowMs: 1_500, stepTimeoutMs: 60_000, progress: o.progress });
  return rows;
}
