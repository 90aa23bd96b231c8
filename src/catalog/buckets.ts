// Histogram boundaries shared by both profiles. Latency boundaries are the OpenTelemetry MCP
// advisory buckets, so latency thresholds and SLO targets (which must sit on a boundary) mean
// the same in either profile.
export const LATENCY_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] as const;
export const SESSION_BUCKETS = [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 28800] as const;
export const MESSAGE_SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304] as const;
export const TURN_BUCKETS = [1, 2, 3, 4, 5, 8, 13, 21] as const;
/** Tool response sizes: from a one-line answer to a context-window-filling dump. */
export const RESPONSE_SIZE_BUCKETS = [256, 1024, 4096, 16384, 65536, 262144, 1048576] as const;
