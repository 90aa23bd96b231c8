// The small documentation corpus search_docs searches: enough text for ranking to matter.
export interface Doc {
  id: string;
  title: string;
  body: string;
}

export const DOCS: readonly Doc[] = [
  { id: 'getting-started', title: 'Getting started',
    body: 'Install the package with npm, create a server, register tools and connect a transport. Run the server over stdio for desktop clients or over Streamable HTTP for remote agents.' },
  { id: 'transports', title: 'Transports: stdio and Streamable HTTP',
    body: 'Stdio carries JSON-RPC over the process pipes; one client per process. Streamable HTTP serves many sessions on one port; each session has an Mcp-Session-Id header and may open an SSE stream for server messages.' },
  { id: 'tools', title: 'Writing tools',
    body: 'A tool has a name, a description and an input schema. Validate arguments with zod, return text content, and set isError when the tool fails so the agent can recover.' },
  { id: 'errors', title: 'Error handling',
    body: 'Protocol errors use JSON-RPC codes: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params, -32603 internal error. Tool failures are results with isError set.' },
  { id: 'metrics', title: 'Metrics and dashboards',
    body: 'Expose Prometheus metrics on /metrics: tool invocations, tool duration histograms, error counts by type, active sessions, message sizes. Grafana dashboards read the recorded series.' },
  { id: 'alerts', title: 'Alerting on latency and errors',
    body: 'Alert on tool latency percentiles, error budget burn rate, heap near the limit, event loop lag and hallucinated tool calls. Each alert links to a runbook section.' },
  { id: 'security', title: 'Security: DNS rebinding and audit',
    body: 'Bind to 127.0.0.1 and validate the Host header to stop DNS rebinding. Write an audit trail of tool calls and redact secrets from logs.' },
  { id: 'sessions', title: 'Session lifecycle',
    body: 'A session starts with initialize, continues with requests and ends when the client sends DELETE or the server closes idle sessions after a timeout.' },
  { id: 'performance', title: 'Performance tuning',
    body: 'Keep tool handlers asynchronous, avoid blocking the event loop, bound memory caches and watch the heap limit. Slow tools should stream progress notifications.' },
];
