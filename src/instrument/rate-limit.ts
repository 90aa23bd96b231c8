// The optional tools/call limiter: token buckets per client name and per (client name, tool), keyed
// by bounded label values (every _OTHER client shares one bucket), and the record of which clients
// were refused lately (mcp_rate_limited_clients). A refused call is answered in band with a
// JSON-RPC error, as MCP has no rate-limit code: -32000, the first of JSON-RPC's server-defined
// codes, with `data.retryAfterSeconds`.

/** Tokens refill at `ratePerSecond` up to `burst`; each call takes one. */
export interface BucketLimit {
  ratePerSecond: number;
  burst: number;
}

export interface RateLimitOptions {
  /** One bucket per client name (clientInfo.name, bounded). */
  perClient?: BucketLimit;
  /** One bucket per client name and tool. */
  perTool?: BucketLimit;
}

/** Which limit refused a call: our buckets, or a limiter elsewhere that reported through the hook. */
export type ThrottleLimit = 'client' | 'tool' | 'external';

export const RATE_LIMITED_CODE = -32000;
/** A client refused within this long counts as currently limited. */
export const LIMITED_WINDOW_MS = 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly limit: BucketLimit) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) throw new Error('rateLimit: ratePerSecond must be > 0 and burst >= 1');
  }

  /** The bucket of `key`, refilled up to now. */
  refilled(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) this.buckets.set(key, (b = { tokens: this.limit.burst, at: now }));
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.ratePerSecond);
    b.at = now;
    return b;
  }

  /** Seconds until `b` holds a whole token. */
  wait(b: Bucket): number {
    return Math.max(0, (1 - b.tokens) / this.limit.ratePerSecond);
  }
}

export interface Refusal {
  limit: 'client' | 'tool';
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly clients?: TokenBuckets;
  private readonly tools?: TokenBuckets;

  constructor(options: RateLimitOptions) {
    if (options.perClient) this.clients = new TokenBuckets(options.perClient);
    if (options.perTool) this.tools = new TokenBuckets(options.perTool);
  }

  /** Takes a token from each bucket the call draws on, or none (and says which refused) when one is empty. */
  take(client: string, tool: string, now: number): Refusal | undefined {
    const c = this.clients?.refilled(client, now);
    const t = this.tools?.refilled(`${client}\u0000${tool}`, now);
    if (t && t.tokens < 1) return { limit: 'tool', retryAfterSeconds: this.tools!.wait(t) };
    if (c && c.tokens < 1) return { limit: 'client', retryAfterSeconds: this.clients!.wait(c) };
    if (c) c.tokens -= 1;
    if (t) t.tokens -= 1;
    return undefined;
  }
}

/** When each client was last refused: the currently limited clients are those refused within LIMITED_WINDOW_MS. */
export class LimitedClients {
  private readonly refusedAt = new Map<string, number>();

  refused(client: string, now: number): void {
    this.refusedAt.set(client, now);
  }

  count(now: number): number {
    for (const [client, at] of this.refusedAt) if (now - at >= LIMITED_WINDOW_MS) this.refusedAt.delete(client);
    return this.refusedAt.size;
  }
}
