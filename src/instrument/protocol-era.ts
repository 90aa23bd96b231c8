// The 2026-07-28 protocol revision, as the transport wrapper reads it: no initialize handshake and
// no sessions; every request carries the protocol version and the client's identity in its _meta,
// and server/discover replaces initialize as the request that starts a conversation.

/** _meta key of the protocol version governing a request (2026-07-28 and later). */
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
/** _meta key of the client software making a request (self-reported, like initialize's clientInfo). */
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
export const DISCOVER_METHOD = 'server/discover';
export const INITIALIZE_METHOD = 'initialize';

/** The per-request envelope of a 2026-07-28 request, when it has one. */
export interface RequestEnvelope {
  protocolVersion?: string;
  clientName?: string;
}

// Shared by every request without _meta (the common 2025-era case): no object made per request.
const NO_ENVELOPE: RequestEnvelope = Object.freeze({});

export function readEnvelope(meta: unknown): RequestEnvelope {
  if (typeof meta !== 'object' || meta === null) return NO_ENVELOPE;
  const m = meta as Record<string, unknown>;
  const version = m[PROTOCOL_VERSION_META_KEY];
  const info = m[CLIENT_INFO_META_KEY] as { name?: unknown } | undefined;
  return {
    protocolVersion: typeof version === 'string' ? version : undefined,
    clientName: typeof info?.name === 'string' ? info.name : undefined,
  };
}
