// Options of `npm run mint-token`: a signed JWT for the sample server (simulator runs, drills, tests).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEFAULT_JWT_SCOPE, UsageError } from '../options.js';
import type { SigningKey } from './jwt.js';

export const MINT_USAGE = `Usage: npm run mint-token -- [options]   (prints the token on stdout)

  --secret S          HS256 secret (or MCP_JWT_SECRET), the server's --jwt-secret
  --private-key PATH  RS256/ES256: PEM private key matching the server's --jwt-public-key
  --alg RS256|ES256   algorithm for --private-key (default RS256)
  --sub S             subject (default agent-user)
  --client-id C       OAuth client id claim (default sample-agent)
  --scope S           space-separated scopes (default ${DEFAULT_JWT_SCOPE})
  --iss I             issuer (default ${DEFAULT_JWT_ISSUER})
  --aud A             audience (default ${DEFAULT_JWT_AUDIENCE})
  --ttl SECONDS       lifetime; negative mints an expired token (default 3600)`;

export interface MintOptions {
  key: SigningKey;
  claims: Record<string, unknown>;
}

export function parseMintOptions(argv: readonly string[], env: NodeJS.ProcessEnv, nowSeconds = Math.floor(Date.now() / 1000)): MintOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        secret: { type: 'string' }, 'private-key': { type: 'string' }, alg: { type: 'string', default: 'RS256' },
        sub: { type: 'string', default: 'agent-user' }, 'client-id': { type: 'string', default: 'sample-agent' },
        scope: { type: 'string', default: DEFAULT_JWT_SCOPE }, iss: { type: 'string', default: DEFAULT_JWT_ISSUER },
        aud: { type: 'string', default: DEFAULT_JWT_AUDIENCE }, ttl: { type: 'string', default: '3600' },
      },
      strict: true, allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const secret = values.secret ?? (env.MCP_JWT_SECRET || undefined);
  let key: SigningKey;
  if (values['private-key'] !== undefined) {
    if (values.alg !== 'RS256' && values.alg !== 'ES256') throw new UsageError(`--alg: expected RS256 or ES256, got "${values.alg}"`);
    key = { alg: values.alg, key: readFileSync(values['private-key'], 'utf8') };
  } else if (secret !== undefined) {
    key = { alg: 'HS256', key: secret };
  } else {
    throw new UsageError('give --secret (or MCP_JWT_SECRET) or --private-key');
  }
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl)) throw new UsageError(`--ttl: expected whole seconds, got "${values.ttl}"`);
  return {
    key,
    claims: { iss: values.iss, aud: values.aud, sub: values.sub, client_id: values['client-id'], scope: values.scope,
      iat: nowSeconds, nbf: nowSeconds, exp: nowSeconds + ttl },
  };
}
