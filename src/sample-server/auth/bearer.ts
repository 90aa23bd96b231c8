// The bearer-token check in front of /mcp (RFC 6750): 401 with a challenge when the token is
// missing or invalid, 403 when it lacks the scope, 400 for an Authorization header of another
// scheme; on success the SDK's AuthInfo, which the transport hands to the instrumentation
// (subject and client id in audit and log lines).
import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { verifyJwt, type AuthFailureReason, type JwtPolicy } from './jwt.js';

export const REALM = 'mcp';

export type BearerResult =
  | { ok: true; auth: AuthInfo }
  | { ok: false; status: 400 | 401 | 403; reason: AuthFailureReason; description: string; challenge: string; clientId?: string };

const quoted = (s: string): string => `"${s.replace(/["\\]/g, '')}"`;

function challenge(policy: JwtPolicy, error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope', description?: string): string {
  const params = [`realm=${quoted(REALM)}`, `scope=${quoted(policy.scope)}`];
  // RFC 6750 §3.1: no error code when the request carried no credentials at all.
  if (error) params.push(`error=${quoted(error)}`);
  if (description) params.push(`error_description=${quoted(description)}`);
  return `Bearer ${params.join(', ')}`;
}

export function checkBearer(req: IncomingMessage, policy: JwtPolicy): BearerResult {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    const description = 'Authorization: Bearer <access token> is required';
    return { ok: false, status: 401, reason: 'missing', description, challenge: challenge(policy) };
  }
  const match = /^Bearer +([^ ]+) *$/i.exec(header);
  if (!match) {
    const description = 'The Authorization header must be "Bearer <access token>"';
    return { ok: false, status: 400, reason: 'malformed', description, challenge: challenge(policy, 'invalid_request', description) };
  }
  const token = match[1]!;
  const result = verifyJwt(token, policy);
  if (!result.ok) {
    const scope = result.reason === 'insufficient_scope';
    return { ok: false, status: scope ? 403 : 401, reason: result.reason, description: result.description, clientId: result.clientId,
      challenge: challenge(policy, scope ? 'insufficient_scope' : 'invalid_token', result.description) };
  }
  const { subject, clientId, scopes, expiresAt } = result.token;
  return { ok: true, auth: { token, clientId: clientId ?? '', scopes, expiresAt, extra: { sub: subject } } };
}
