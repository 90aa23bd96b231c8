// Entry point: npm run simulate -- --url http://127.0.0.1:3100/mcp --duration 60 --sessions 4 --rate 8
import { parseSimulatorOptions, SIMULATOR_USAGE, UsageError } from './options.js';
import { simulate } from './run.js';

try {
  const options = parseSimulatorOptions(process.argv.slice(2));
  if (!options) {
    console.log(SIMULATOR_USAGE);
  } else {
    const target = options.command ? `stdio: ${options.command.join(' ')}` : options.url!.href;
    console.error(`simulate: ${options.sessions} session(s) against ${target} for ${options.durationSeconds}s at ${options.rate} calls/s (seed ${options.seed})`);
    const stats = await simulate(options);
    console.log(stats.summary());
    if (stats.sessionsOpened === 0) {
      console.error('simulate: no session could be opened; is the server running?');
      process.exit(1);
    }
  }
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`simulate: ${err.message}\n\n${SIMULATOR_USAGE}`);
  process.exit(2);
}
