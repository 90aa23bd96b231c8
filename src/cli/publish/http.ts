// One HTTP client for Grafana, the Mimir ruler and Prometheus: bounded retries with exponential
// backoff on 429/5xx, network errors and timeouts, honouring Retry-After (capped), and redaction
// of secrets in anything it reports.
import type { Redactor } from './redact.js';

export interface RetryPolicy {
  /** Total attempts per request, first one included. */
  attempts: number;
  baseDelayMs: number;
  /** Upper bound for any single wait, Retry-After included. */
  maxDelayMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 30_000 };

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** The request never produced a response (network error or timeout on every attempt). */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface HttpClientOptions {
  baseUrl: string;
  headers: Record<string, string>;
  retry: RetryPolicy;
  redactor: Redactor;
  /** Told about every retry, so a slow CI job shows why it waits. */
  onRetry?: (message: string) => void;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is when a string (YAML bodies); JSON-encoded otherwise. */
  contentType?: string;
  headers?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  // Equal jitter: half fixed, half random, so parallel CI jobs do not retry in lockstep.
  return Math.min(policy.maxDelayMs, exponential / 2 + Math.random() * (exponential / 2));
}

export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  get redactor(): Redactor {
    return this.options.redactor;
  }

  url(path: string): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  /** Sends the request, retrying transient failures; returns the final response whatever its status. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const { retry, redactor } = this.options;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.options.headers, ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    let lastProblem = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      let waitMs: number;
      try {
        const res = await fetch(this.url(path), { method, headers, body, signal: AbortSignal.timeout(retry.timeoutMs) });
        const text = await res.text();
        if (!isRetryableStatus(res.status) || attempt === retry.attempts) return { status: res.status, headers: res.headers, text };
        lastProblem = `HTTP ${res.status}`;
        waitMs = Math.min(retry.maxDelayMs, retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(retry, attempt));
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        lastProblem = e.name === 'TimeoutError' ? `timed out after ${retry.timeoutMs} ms` : `${e.cause?.code ?? e.message}`;
        if (attempt === retry.attempts) break;
        waitMs = backoffMs(retry, attempt);
      }
      this.options.onRetry?.(redactor.redact(
        `retrying ${method} ${path} after ${lastProblem} (attempt ${attempt + 1}/${retry.attempts} in ${(waitMs / 1000).toFixed(1)} s)`,
      ));
      await sleep(waitMs);
    }
    throw new TransportError(redactor.redact(
      `${method} ${this.url(path)} failed after ${retry.attempts} attempts: ${lastProblem}`,
    ));
  }
}

/** The server's own explanation from a JSON error body ({message} or {error}), else the raw text, shortened. */
export function serverMessage(res: HttpResponse): string {
  try {
    const parsed = JSON.parse(res.text) as { message?: unknown; error?: unknown };
    const msg = parsed.message ?? parsed.error;
    if (typeof msg === 'string' && msg) return msg;
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = res.text.trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
