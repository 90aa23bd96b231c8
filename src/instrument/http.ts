// HTTP side: /metrics (Prometheus text, or OpenMetrics with exemplars when the scraper asks for
// it), /health, /ready; a middleware counting requests the HTTP layer rejects before the MCP
// transport (they never reach Transport.send); and a loopback side server for stdio servers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MetricsExposition } from './exposition.js';
import { methodLabel } from './labels.js';

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/openmetrics-text');
}

export type HealthProbe = () => { ready: boolean; detail: Record<string, unknown> };

/** Serves /metrics, /health and /ready; answers 404 for any other path. */
export function createMetricsHandler(exposition: MetricsExposition, probe: HealthProbe, beforeScrape: () => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      beforeScrape();
      const { contentType, body } = await exposition.render(wantsOpenMetrics(req.headers.accept));
      res.writeHead(200, { 'content-type': contentType }).end(body);
    } else if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/ready') {
      const { ready, detail } = probe();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready', ...detail }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };
}

/** Rejection reasons, from the status and the JSON-RPC error the HTTP layer answered with. */
export function rejectionReason(status: number, code: number | undefined, message: string, authorized: boolean): string {
  if (status === 401) return authorized ? 'invalid_token' : 'missing_token';
  if (status === 403) return /origin/i.test(message) ? 'bad_origin' : /host/i.test(message) ? 'bad_host' : 'forbidden';
  if (status === 404 || code === -32001) return 'unknown_session';
  if (status === 406) return 'bad_accept';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'bad_content_type';
  if (status === 429) return 'rate_limited';
  if (code === -32700) return 'parse_error';
  if (code === -32600) return 'invalid_request';
  if (/protocol version/i.test(message)) return 'bad_protocol_version';
  if (/session/i.test(message)) return 'missing_session';
  return status >= 500 ? 'server_error' : 'bad_request';
}

export interface Rejection {
  reason: string;
  status: number;
  /** JSON-RPC code of the error body, when there was one. */
  code?: number;
  /** Bounded method label of the rejected message (OVERFLOW when unparsed). */
  method: string;
  seconds: number;
  authFailure: boolean;
}

type Next = (err?: unknown) => void;

const ORIGINAL_END = Symbol('end before the rejection middleware');
const ORIGINAL_WRITE = Symbol('write before the rejection middleware');
const REQUEST = Symbol('the request the middleware saw');
const STARTED = Symbol('when the middleware saw the request');
const REPORT = Symbol('where the rejection is reported');
const ERROR_BODY = Symbol('error body');
type Watched = ServerResponse & {
  [ORIGINAL_END]?: (...args: unknown[]) => ServerResponse;
  [ORIGINAL_WRITE]?: (...args: unknown[]) => boolean;
  [REQUEST]?: IncomingMessage & { body?: unknown };
  [STARTED]?: number;
  [REPORT]?: (r: Rejection, req: IncomingMessage) => void;
  [ERROR_BODY]?: string;
  /** Set once the error answer's report is queued: end() may be called again after it. */
  [REPORTED]?: boolean;
};
const REPORTED = Symbol('rejection reported');

/** The first bytes of an error body kept to read its JSON-RPC error. */
const MAX_ERROR_BODY = 2048;

/**
 * Text of a body chunk as res.write()/end() accept it: a string, a Buffer or any Uint8Array (the
 * SDK's HTTP layer, through @hono/node-server, ends its answers with a Uint8Array).
 */
function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, MAX_ERROR_BODY)).toString('utf8');
  return '';
}

/** Keeps the start of an error answer's body, whatever it is written with; successful answers pass straight on. */
function keepErrorChunk(res: Watched, chunk: unknown): void {
  if (res.statusCode < 400 || res[REPORTED]) return;
  const kept = res[ERROR_BODY] ?? '';
  if (kept.length < MAX_ERROR_BODY) res[ERROR_BODY] = (kept + chunkText(chunk)).slice(0, MAX_ERROR_BODY);
}

/** The one `write` of watched responses: streamed error bodies are kept like ended ones. */
function writeWatchingForRejection(this: Watched, ...args: unknown[]): boolean {
  keepErrorChunk(this, args[0]);
  return this[ORIGINAL_WRITE]!.apply(this, args);
}

/**
 * The one `end` every response on the MCP endpoint gets. Only an error answer does more: its body
 * is kept (to read its JSON-RPC code) and a report is queued for when it has been sent. Successful
 * answers, nearly all of them, get no listener: one shared function, no closure or `once()` per
 * request (valgrind, per Streamable HTTP call: a closure as `end` cost ~25 k instructions, a
 * `once('finish')` ~2 k; with neither, the middleware is within the ±1 k noise of not mounting it).
 */
function endWatchingForRejection(this: Watched, ...args: unknown[]): ServerResponse {
  // end() may be called again after an error answer; it is reported once.
  if (this.statusCode >= 400 && !this[REPORTED] && !offersNoStream(this)) {
    keepErrorChunk(this, args[0]);
    this[REPORTED] = true;
    this.once('finish', reportRejection);
  }
  return this[ORIGINAL_END]!.apply(this, args);
}

/**
 * 405 to a GET is how a server says it offers no SSE stream at the MCP endpoint (every stateless
 * server answers each 2025-era client's GET so); clients expect it and carry on: not a rejection.
 */
const offersNoStream = (res: Watched): boolean => res.statusCode === 405 && res[REQUEST]?.method === 'GET';

/** Runs on 'finish' of an error answer (`this` is the response). */
function reportRejection(this: Watched): void {
  const errorBody = this[ERROR_BODY] ?? '';
  let code: number | undefined;
  let message = errorBody;
  try {
    const parsed = JSON.parse(errorBody) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'number') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch { /* not JSON: classified by status alone */ }
  const req = this[REQUEST]!;
  const body = req.body as { method?: unknown } | undefined;
  this[REPORT]!({
    reason: rejectionReason(this.statusCode, code, message, req.headers.authorization !== undefined),
    status: this.statusCode, code, method: methodLabel(body?.method),
    seconds: (performance.now() - this[STARTED]!) / 1000, authFailure: this.statusCode === 401,
  }, req);
}

/**
 * Express/connect-style middleware (also callable as plain (req, res)): any 4xx/5xx answer on the
 * MCP endpoint was produced before the transport's send() and is reported once it is sent.
 */
export function createRejectionMiddleware(report: (r: Rejection, req: IncomingMessage) => void) {
  return (req: IncomingMessage & { body?: unknown }, response: ServerResponse, next?: Next): void => {
    const res = response as Watched;
    // Mounted twice (an app and a router both using it), a response is still watched and counted once.
    if (res.end !== endWatchingForRejection) {
      res[REQUEST] = req;
      res[STARTED] = performance.now();
      res[REPORT] = report;
      res[ORIGINAL_END] = res.end as (...args: unknown[]) => ServerResponse;
      res.end = endWatchingForRejection as typeof res.end;
      res[ORIGINAL_WRITE] = res.write as (...args: unknown[]) => boolean;
      res.write = writeWatchingForRejection as typeof res.write;
    }
    next?.();
  };
}

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves the handler on its own port (loopback by default): for stdio servers, whose stdout is the protocol. */
export function listenMetrics(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port: number, host: string,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        port: bound,
        url: `http://${host}:${bound}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
