// The options wrap and proxy share: where metrics are served, the profile, logs and the audit trail.
import type { ParseArgsConfig } from 'node:util';
import { PROFILE_NAMES, type ProfileName } from '@mcp-observability/catalog';
import { AUDITED_CALL_LOGS, createInstrumentation, LOG_LEVELS, type AuditedCallLog, type Instrumentation, type LogLevel } from '@mcp-observability/instrument';

export const INSTRUMENTATION_OPTIONS = {
  'metrics-port': { type: 'string', default: '0' },
  'metrics-host': { type: 'string', default: '127.0.0.1' },
  profile: { type: 'string', default: 'prom-client' },
  'log-file': { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  'audit-file': { type: 'string' },
  'log-audited-calls': { type: 'string', default: 'failed' },
} as const satisfies ParseArgsConfig['options'];

export const INSTRUMENTATION_USAGE = `  --metrics-port N   port of /metrics, /health, /ready (default 0: a free port, printed on stderr)
  --metrics-host H   address of that port (default 127.0.0.1)
  --profile P        metric profile: ${PROFILE_NAMES.join(' or ')} (default prom-client)
  --log-file FILE    JSON log lines go here (default: stderr; never stdout)
  --log-level L      ${LOG_LEVELS.join(', ')} (default info)
  --audit-file FILE  hash-chained audit trail of every tools/call (default: none)
  --log-audited-calls W
                     with --audit-file, which tools/call the log also gets: ${AUDITED_CALL_LOGS.join(', ')} (default
                     failed: each call's record is its audit line, failed calls are logged at warning too)`;

export interface InstrumentationValues {
  'metrics-port': string;
  'metrics-host': string;
  profile: string;
  'log-file'?: string;
  'log-level': string;
  'audit-file'?: string;
  'log-audited-calls': string;
}

/** The first mistake in the shared options, or undefined. */
export function instrumentationProblem(values: InstrumentationValues): string | undefined {
  const port = Number(values['metrics-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `--metrics-port: expected a port number, got "${values['metrics-port']}"`;
  if (!PROFILE_NAMES.includes(values.profile as ProfileName)) return `--profile: expected ${PROFILE_NAMES.join(' or ')}, got "${values.profile}"`;
  if (!(LOG_LEVELS as readonly string[]).includes(values['log-level'])) return `--log-level: expected ${LOG_LEVELS.join(', ')}, got "${values['log-level']}"`;
  if (!(AUDITED_CALL_LOGS as readonly string[]).includes(values['log-audited-calls'])) {
    return `--log-audited-calls: expected ${AUDITED_CALL_LOGS.join(', ')}, got "${values['log-audited-calls']}"`;
  }
  return undefined;
}

/** Checks the shared options; returns the instrumentation and the metrics port, or the first mistake. */
export function instrumentationFrom(values: InstrumentationValues): { instrumentation: Instrumentation; port: number } | string {
  const problem = instrumentationProblem(values);
  if (problem !== undefined) return problem;
  const port = Number(values['metrics-port']);
  const instrumentation = createInstrumentation({
    profile: values.profile as ProfileName,
    log: values['log-file'] ? { file: values['log-file'] } : 'stderr',
    logLevel: values['log-level'] as LogLevel,
    auditFile: values['audit-file'],
    logAuditedCalls: values['log-audited-calls'] as AuditedCallLog,
  });
  return { instrumentation, port };
}
