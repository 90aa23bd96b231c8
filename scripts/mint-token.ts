// Entry point: npm run mint-token -- --secret S [--sub alice] [--client-id agent-a] [--scope mcp:tools] [--ttl 3600]
import { signJwt } from '../src/sample-server/auth/jwt.js';
import { MINT_USAGE, parseMintOptions } from '../src/sample-server/auth/mint-options.js';
import { UsageError } from '../src/sample-server/options.js';

try {
  const { key, claims } = parseMintOptions(process.argv.slice(2), process.env);
  console.log(signJwt(claims, key));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`mint-token: ${err.message}\n\n${MINT_USAGE}`);
  process.exit(2);
}
