// The messages of the log lines that tools match on (SIEM export, runbooks, log queries): one
// spelling, written by the instrumentation and read by the CLI.
export const LOG_EVENTS = {
  httpRejection: 'http request rejected before the MCP transport',
  toolDefinitionDrift: 'tool definition changed after start-up',
  sessionClosed: 'session closed',
  sessionReaped: 'session reaped after idle limit',
  agentTaskFinished: 'agent task finished',
  transportError: 'transport error',
} as const;

export type LogEvent = (typeof LOG_EVENTS)[keyof typeof LOG_EVENTS];
