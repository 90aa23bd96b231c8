// Bearer JWTs for the local stack: its reference servers verify HS256 tokens signed with a fixed,
// documented local secret (docs/stack.md), and the stack mints its clients' tokens with the
// server's own signing code and claim defaults (those of `npm run mint-token`).
import { parseMintOptions, signJwt } from '@mcp-observability/sample-server';


/** The servers' MCP_JWT_SECRET. Local-only (everything binds 127.0.0.1), not a secret. */
export const STACK_JWT_SECRET = 'mcp-stack-local-jwt-secret-do-not-use-elsewhere';

/** A token the stack's servers accept for `ttlSeconds` (negative: already expired), or one signed with another key. */
export function stackToken(clientId: string, ttlSeconds: number, secret = STACK_JWT_SECRET): string {
  const { key, claims } = parseMintOptions(['--client-id', clientId, '--sub', clientId, `--ttl=${ttlSeconds}`], { MCP_JWT_SECRET: secret });
  return signJwt(claims, key);
}

