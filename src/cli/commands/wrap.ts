// `mcp-observability wrap [options] -- <command …>`: runs a stdio MCP server under observation, as
// a drop-in `command` in an MCP client's server configuration. Exits as the server did: its code,
// or the same signal.
import { parseArgs } from 'node:util';
import { INSTRUMENTATION_OPTIONS, INSTRUMENTATION_USAGE, instrumentationFrom } from '../relay/instrumentation-options.js';
import { wrapStdioServer } from '../relay/stdio-wrapper.js';
import { UsageError } from './usage-error.js';

export const WRAP_USAGE = `usage: mcp-observability wrap [options] -- <command> [args…]
  Runs a stdio MCP server, passes stdin and stdout through byte for byte, and serves the
  metrics of every JSON-RPC message both ways on a loopback port.
${INSTRUMENTATION_USAGE}`;

/** Signals passed on to the server; the wrapper itself ends when the server does. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function wrapCommand(argv: string[]): Promise<number> {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const [command, ...args] = split === -1 ? [] : argv.slice(split + 1);
  let values;
  try {
    ({ values } = parseArgs({ args: own, options: { ...INSTRUMENTATION_OPTIONS, help: { type: 'boolean', short: 'h', default: false } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message, WRAP_USAGE);
  }
  if (values.help) {
    console.log(WRAP_USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError('give the server command after --', WRAP_USAGE);
  const made = instrumentationFrom(values);
  if (typeof made === 'string') throw new UsageError(made, WRAP_USAGE);
  const { instrumentation, port } = made;
  const metrics = await instrumentation.serveMetrics({ port, host: values['metrics-host'] });
  console.error(`mcp-observability wrap: metrics on ${metrics.url}/metrics (pid ${process.pid})`);

  const server = wrapStdioServer({ command, args, instrumentation, input: process.stdin, output: process.stdout });
  const forward = (signal: NodeJS.Signals) => server.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  const exit = await server.exited;
  for (const signal of FORWARDED) process.off(signal, forward);
  await metrics.close();
  await instrumentation.close();
  // Everything the server wrote must reach the client before this process ends.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  if (exit.spawnError) {
    console.error(`mcp-observability wrap: could not start ${command}: ${exit.spawnError.message}`);
    return 127;
  }
  if (exit.signal) {
    // The client sees what it would have seen without the wrapper: death by the same signal.
    process.kill(process.pid, exit.signal);
    await new Promise(() => {});
  }
  return exit.code ?? 1;
}
