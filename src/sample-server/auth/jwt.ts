// JWT access-token validation as an OAuth 2.0 resource server does it, with node:crypto only:
// signature (HS256 with a shared secret; RS256 or ES256 with a public key), then exp/nbf with a
// small leeway, issuer, audience and the required scope. Failure reasons are the label values of
// mcp_auth_failures_total; the token itself never leaves this module except as AuthInfo.token.
import { createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** Clock skew tolerated on exp and nbf. */
export const LEEWAY_SECONDS = 30;

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';
export type AuthFailureReason = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_issuer'
  | 'wrong_audience' | 'insufficient_scope';

export interface JwtPolicy {
  /** HS256 shared secret, or an RSA (RS256) / P-256 EC (ES256) public key. */
  key: { secret: string } | { publicKey: KeyObject };
  issuer: string;
  audience: string;
  /** Scope every token must carry (space-separated `scope` claim, or `scp` array). */
  scope: string;
}

export interface VerifiedToken {
  subject?: string;
  clientId?: string;
  scopes: string[];
  expiresAt: number;
}

export type Verification =
  | { ok: true; token: VerifiedToken }
  /** `clientId` only when the signature verified (the claim is then authentic). */
  | { ok: false; reason: AuthFailureReason; description: string; clientId?: string };

const b64url = (buf: Buffer): string => buf.toString('base64url');

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** The algorithm a configured key verifies; nothing else (alg "none", HS256 with a public key) is accepted. */
export function algorithmOf(key: JwtPolicy['key']): JwtAlgorithm {
  if ('secret' in key) return 'HS256';
  const type = key.publicKey.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ec' && key.publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`JWT public key: expected an RSA key (RS256) or a P-256 EC key (ES256), got ${type}`);
}

function signatureValid(alg: JwtAlgorithm, key: JwtPolicy['key'], data: string, signature: Buffer): boolean {
  if (alg === 'HS256') {
    const expected = createHmac('sha256', (key as { secret: string }).secret).update(data).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  const publicKey = (key as { publicKey: KeyObject }).publicKey;
  return verify('sha256', Buffer.from(data), alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey, signature);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function scopesOf(claims: Record<string, unknown>): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

export function verifyJwt(token: string, policy: JwtPolicy, nowSeconds = Date.now() / 1000): Verification {
  const fail = (reason: AuthFailureReason, description: string, clientId?: string): Verification =>
    ({ ok: false, reason, description, clientId });
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return fail('malformed', 'The access token is not a JWT');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  const claims = decodeJson(p);
  if (!header || !claims) return fail('malformed', 'The access token is not a JWT');
  const alg = algorithmOf(policy.key);
  if (header.alg !== alg || !signatureValid(alg, policy.key, `${h}.${p}`, Buffer.from(s, 'base64url'))) {
    return fail('bad_signature', 'The access token signature is invalid');
  }
  const clientId = str(claims.client_id) ?? str(claims.azp);
  if (typeof claims.exp !== 'number') return fail('malformed', 'The access token has no exp claim', clientId);
  if (claims.exp + LEEWAY_SECONDS < nowSeconds) return fail('expired', 'The access token expired', clientId);
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_SECONDS > nowSeconds) {
    return fail('not_yet_valid', 'The access token is not valid yet', clientId);
  }
  if (claims.iss !== policy.issuer) return fail('wrong_issuer', 'The access token was issued by another issuer', clientId);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(policy.audience)) return fail('wrong_audience', 'The access token is meant for another audience', clientId);
  const scopes = scopesOf(claims);
  if (!scopes.includes(policy.scope)) return fail('insufficient_scope', `The access token lacks the ${policy.scope} scope`, clientId);
  return { ok: true, token: { subject: str(claims.sub), clientId, scopes, expiresAt: claims.exp } };
}

export interface SigningKey {
  alg: JwtAlgorithm;
  /** HS256 secret, or a PEM private key for RS256/ES256. */
  key: string;
}

/** Signs claims (tests, drills and `npm run mint-token`). */
export function signJwt(claims: Record<string, unknown>, { alg, key }: SigningKey): string {
  const data = `${b64url(Buffer.from(JSON.stringify({ alg, typ: 'JWT' })))}.${b64url(Buffer.from(JSON.stringify(claims)))}`;
  const signature = alg === 'HS256'
    ? createHmac('sha256', key).update(data).digest()
    : sign('sha256', Buffer.from(data), alg === 'ES256' ? { key: createPrivateKey(key), dsaEncoding: 'ieee-p1363' } : createPrivateKey(key));
  return `${data}.${b64url(signature)}`;
}

/** Reads a PEM public key (or the public half of a PEM private key). */
export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}
