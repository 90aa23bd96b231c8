// The signal contract: what an MCP server exports, independent of how a profile spells it.

export type Layer = 'transport' | 'tool' | 'agent' | 'resource' | 'security';
export type MetricType = 'counter' | 'gauge' | 'histogram';
export type ProfileName = 'prom-client' | 'otel';

/** Label roles: the meaning of a label, spelled differently per profile. */
export type Role =
  | 'tool'
  | 'resource'
  | 'prompt'
  | 'method'
  | 'transport'
  | 'outcome'
  | 'errorType'
  | 'code'
  | 'direction'
  | 'messageType'
  | 'clientName'
  | 'protocolVersion'
  | 'tokenType'
  | 'kind'
  | 'reason'
  | 'detector'
  | 'location'
  | 'fingerprint'
  | 'change'
  | 'gcKind'
  | 'heapSpace'
  | 'cpuState';

/** One metric family a profile exports (what the instrumentation registers and scrapes show). */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  /** Base unit for dashboards: seconds, bytes, none. */
  unit: 'seconds' | 'bytes' | 'usd' | 'tokens' | 'none';
  layer: Layer;
  labelNames: readonly string[];
  buckets?: readonly number[];
  /** Exported by prom-client's collectDefaultMetrics (or our runtime collector), not by the MCP wrapper. */
  runtime?: boolean;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
}

/** How one abstract signal is read from a profile's series. */
export interface SignalSpelling {
  family: string;
  /** Which series of a histogram family carries a counter-like signal (e.g. _count for call rates). */
  part?: 'count' | 'sum' | 'bucket';
  /** Fixed matchers that carve this signal out of a shared family (e.g. mcp_method_name="tools/call"). */
  matchers?: readonly Matcher[];
  labels: Partial<Record<Role, string>>;
  /** Matchers selecting the failed subset (status="error", error_type!=""). */
  failed?: readonly Matcher[];
  /** Matchers selecting failures caused by the caller (bad params, unknown tool, unknown method). */
  callerFailed?: readonly Matcher[];
  /** Matchers selecting failures the server is responsible for: what availability SLOs count. */
  serverFailed?: readonly Matcher[];
  /** Profile-specific spelling of well-known label values, e.g. transport http → tcp. */
  values?: Partial<Record<Role, Record<string, string>>>;
}

export interface Profile {
  name: ProfileName;
  description: string;
  families: readonly MetricFamily[];
  /**
   * Families the profile's normalisation rules write from whatever spelling exporters use; when a
   * profile has them, its signals read these, not the exported `families`.
   */
  normalised?: readonly NormalisedFamily[];
  signals: Partial<Record<SignalId, SignalSpelling>>;
}

/** A canonical family recorded by a profile's normalisation rules from the exported spellings. */
export interface NormalisedFamily extends MetricFamily {
  /** Regex (anchored, as Prometheus anchors it) of the exported family names, without histogram parts. */
  exported: string;
  /** How exported series that map onto one canonical series combine: sum, or max for a process gauge. */
  combine: 'sum' | 'max';
  /** Exporter-specific labels the canonical series drops (OTel scope labels, CPU modes). */
  drop: readonly string[];
  /** The MCP operation histogram: error classification normalised too (unknown tools, status-only errors). */
  classify?: 'operations';
}

export const SIGNAL_IDS = [
  // transport / protocol
  'handshakes',
  'sessionDuration',
  'activeSessions',
  'idleSessions',
  'sessionsReaped',
  'sessionsClosed',
  'clientSessions',
  'clientToolCalls',
  'reconnections',
  'requestsInFlight',
  'requests',
  'requestProtocolVersions',
  'jsonrpcErrors',
  'messageSize',
  // tool execution
  'toolCalls',
  'toolDuration',
  'toolErrors',
  'toolTokens',
  'toolCost',
  // agentic
  'agentTasks',
  'agentTurns',
  'hallucinations',
  'selfCorrections',
  // resources
  /** A series every scraped server exports whatever its language: what "no metrics at all" is judged by. */
  'presence',
  'cpuSeconds',
  'residentMemory',
  'heapUsed',
  'heapLimit',
  'eventLoopLag',
  'gcDuration',
  // security
  'authFailures',
  'rejectedRequests',
  'redactions',
  'auditRecords',
  'unknownRequests',
  'toolDefinitions',
  'toolDefinitionChanges',
  'registeredTools',
  'toolResponseSize',
  'toolResponsesTruncated',
  'throttledRequests',
  'rateLimitedClients',
  // resources and prompts (MCP server features, not process resources)
  'resourceReads',
  'resourceResponseSize',
  'promptGets',
] as const;
export type SignalId = (typeof SIGNAL_IDS)[number];
