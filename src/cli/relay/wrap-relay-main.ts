// The relay process of `wrap`, started by the launcher (commands/wrap.ts) with the client's stdio
// and an IPC channel. It reports the server's exit and waits for the launcher to kill it: with a
// pump thread blocked reading stdin, this process cannot end by itself.
import { serveWrapped } from '../commands/wrap.js';
import { UsageError } from '../commands/usage-error.js';

/** No launcher to report to (it was killed): the report has nowhere to go, and only a signal ends us. */
const endNow = () => process.kill(process.pid, 'SIGKILL');

serveWrapped(process.argv.slice(2)).then(
  (report) => {
    if (typeof report === 'number') process.exit(report);
    if (!process.connected) endNow();
    process.send!(report, (err: Error | null) => {
      if (err) endNow();
    });
    process.once('disconnect', endNow);
  },
  (err: unknown) => {
    console.error(err instanceof UsageError ? `error: ${err.message}\n\n${err.usage}` : `error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
