// Entry point: npm run mint-token -- --secret S [--sub alice] [--client-id agent-a] [--scope mcp:tools] [--ttl 3600]
import { signJwt } from './auth/jwt.js';
import { MINT_USAGE, parseMintOptions } from './auth/mint-options.js';
import { UsageError } from './options.js';

try {
  const { key, claims } = parseMintOptions(process.argv.slice(2), process.env);
  console.log(signJwt(claims, key));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`mint-token: ${err.message}\n\n${MINT_USAGE}`);
  process.exit(2);
}
