// What the proxy's relaying thread tells its observing worker, one ring record per event: the
// record's tag holds the connection's number and the event, its bytes what passed (bytes events).
export const PROXY_EVENT = {
  /** A client connected (an upstream connection is being opened for it). */
  opened: 0,
  /** Bytes the client sent, as received (before the Host line is rewritten). */
  fromClient: 1,
  /** Bytes the upstream sent, as relayed to the client. */
  fromServer: 2,
  /** The upstream ended its side. */
  upstreamEnded: 3,
  /** The upstream connection failed after it was open. */
  upstreamBroke: 4,
  /** The upstream could not be reached (the client is answered 502). */
  unreachable: 5,
  /** The client connection is gone, and the upstream one with it. */
  closed: 6,
} as const;
export type ProxyEventKind = (typeof PROXY_EVENT)[keyof typeof PROXY_EVENT];

const KINDS = 8;
/** Connection numbers wrap here, so a tag stays a positive int32. */
const CONNECTIONS = 2 ** 28;

export const eventTag = (connection: number, event: ProxyEventKind): number => (connection % CONNECTIONS) * KINDS + event;
export const tagConnection = (tag: number): number => Math.floor(tag / KINDS);
export const tagEvent = (tag: number): ProxyEventKind => (tag % KINDS) as ProxyEventKind;
