// Entry point: npm run sample-server -- --transport http --port 3100 [--profile prom-client|otel]
import { FaultSpecError } from './faults/fault-spec.js';
import { parseServerOptions, SERVER_USAGE, UsageError } from './options.js';
import { runSampleServer } from './run.js';

try {
  const options = parseServerOptions(process.argv.slice(2));
  if (!options) {
    console.log(SERVER_USAGE);
  } else {
    await runSampleServer(options);
  }
} catch (err) {
  if (!(err instanceof UsageError || err instanceof FaultSpecError)) throw err;
  console.error(`sample-server: ${err.message}\n\n${SERVER_USAGE}`);
  process.exit(2);
}
