// Request checks that run before anything else: DNS-rebinding protection (Host and Origin must
// name a loopback host) and loopback-only peers for the admin API.
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function hostnameOf(authority: string, scheme = 'http://'): string | undefined {
  try {
    return new URL(authority.includes('://') ? authority : scheme + authority).hostname;
  } catch {
    return undefined;
  }
}

export const isLoopbackHostname = (hostname: string): boolean => LOOPBACK_HOSTNAMES.has(hostname);

/** Why a request fails DNS-rebinding protection (bad_host | bad_origin), or undefined when it passes. */
export function rebindingViolation(req: IncomingMessage): { reason: 'bad_host' | 'bad_origin'; message: string } | undefined {
  const host = req.headers.host;
  const hostname = host === undefined ? undefined : hostnameOf(host);
  if (hostname === undefined || !isLoopbackHostname(hostname)) {
    return { reason: 'bad_host', message: `Invalid Host header: ${host ?? '(missing)'}; only 127.0.0.1, localhost and [::1] are served` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    const originHost = hostnameOf(origin);
    if (originHost === undefined || !isLoopbackHostname(originHost)) {
      return { reason: 'bad_origin', message: `Invalid Origin header: ${origin}; only loopback origins are allowed` };
    }
  }
  return undefined;
}

export const isLoopbackPeer = (req: IncomingMessage): boolean => LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '');
